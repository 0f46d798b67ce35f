package dev.tinygram.demo.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench}: what the agent costs and what its fixes buy, in child JVMs of the same JDK. Prints markdown
 * tables; every figure comes with its ratio to a baseline measured in the same run, since absolute times drift on
 * shared machines. Also writes the tables to {@code OUT/bench.md} and the wwr-client latency CDF to
 * {@code OUT/wwr-latency-cdf.svg}. A benchmark, not a test: it asserts nothing about the goals it shows.
 *
 * <p>The sizes are in {@link BenchPlan}; each section of the report is a {@link Section} of its own.
 */
public final class Bench {
    public static final String NAME = "bench";
    public static final String DESCRIPTION = "benchmark: latency per demo and mode, observe overhead, JMH, start-up, "
            + "memory; markdown tables and an SVG";
    public static final String SYNOPSIS = "[--smoke] [--out DIR (default bench-results)] [--agent PATH] [--quiet]";
    public static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("--smoke", "FLAG");
        OPTIONS.put("--out", "STRING");
        OPTIONS.put("--agent", "STRING");
        OPTIONS.put("--quiet", "FLAG");
    }

    private Bench() {
    }

    /** Exit code 0 when every child run succeeded, 1 when some failed (the report says which), 2 without agent. */
    public static int run(Map<String, String> o, PrintStream out, PrintStream err) throws Exception {
        BenchPlan plan = o.containsKey("--smoke") ? BenchPlan.SMOKE : BenchPlan.FULL;
        Children children = new Children(o.containsKey("--agent") ? Path.of(o.get("--agent")) : null);
        if (!Files.isRegularFile(children.agent)) {
            err.println("bench: agent jar not found at " + children.agent
                    + " - build it first with: mvn -B -q -DskipTests package, or pass --agent PATH");
            return 2;
        }
        Path outDir = Path.of(o.getOrDefault("--out", "bench-results")).toAbsolutePath().normalize();
        Files.createDirectories(outDir);
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        PrintStream md = new PrintStream(new Tee(out, report), true, StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        BenchContext ctx = new BenchContext(plan, children, outDir, md, err, o.containsKey("--quiet"));
        new Header(ctx).print();
        for (Section section : List.of(new LatencySection(ctx), new OverheadSection(ctx), new JmhSection(ctx),
                new StartupSection(ctx), new MemorySection(ctx))) {
            long s0 = System.nanoTime();
            section.run();
            md.printf(Locale.ROOT, "_This section took %.0f s._%n%n", (System.nanoTime() - s0) / 1e9);
        }
        md.printf(Locale.ROOT, "Total wall time: %.0f s. Failed child runs: %d.%n", (System.nanoTime() - t0) / 1e9,
                ctx.failures());
        Files.write(outDir.resolve("bench.md"), report.toByteArray());
        out.printf(Locale.ROOT, "RESULT demo=bench run=%s failed_runs=%d wall_s=%.0f out=%s%n", plan.name(),
                ctx.failures(), (System.nanoTime() - t0) / 1e9, outDir);
        return ctx.failures() == 0 ? 0 : 1;
    }

    /** An integer option of a bench command, or {@code def} when absent; rejects values below {@code min}. */
    static int intOption(Map<String, String> o, String name, int def, int min) {
        String v = o.get(name);
        if (v == null) return def;
        int n = Integer.parseInt(v);
        if (n < min) throw new IllegalArgumentException("bad value '" + v + "' for option '" + name + "' (must be >= "
                + min + ")");
        return n;
    }

    /** The report goes to stdout as it is written, and is kept for OUT/bench.md. */
    private static final class Tee extends OutputStream {
        private final PrintStream out;
        private final ByteArrayOutputStream copy;

        Tee(PrintStream out, ByteArrayOutputStream copy) {
            this.out = out;
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            out.write(b);
            copy.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            out.write(b, off, len);
            copy.write(b, off, len);
        }

        @Override
        public void flush() {
            out.flush();
        }
    }
}
