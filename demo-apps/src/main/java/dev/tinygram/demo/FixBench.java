package dev.tinygram.demo;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A benchmark, not a test: wwr-client with Nagle (no fix), under mode=nodelay and mode=coalesce, against the
 * same client rewritten to send each request with one write. Child JVMs, interleaved rounds, medians; p50 and
 * p99 latency and data segments per request (from ss), each as a ratio to write-once measured in the same run.
 * Goal: coalesce within 1.1x of writing once, in latency and in segments.
 */
final class FixBench implements Demo {
    static final int DEFAULT_REQUESTS = 5000;
    static final int DEFAULT_ROUNDS = 3;
    /** The unfixed client stalls ~44 ms a request: a few dozen are enough to show it. */
    static final int STALLING_REQUESTS = 40;

    private record Variant(String label, String demo, String agentArgs, boolean stalls) {}

    private static final List<Variant> VARIANTS = List.of(
            new Variant("Nagle, two writes (no fix)", "wwr-client", null, true),
            new Variant("mode=nodelay", "wwr-client", "mode=nodelay,log=warn", false),
            new Variant("mode=coalesce", "wwr-client", "mode=coalesce,log=warn", false),
            new Variant("one write (fixed in the app)", "write-once", null, false));

    @Override
    public String name() {
        return "bench-fixes";
    }

    @Override
    public String description() {
        return "benchmark: wwr-client unfixed, under mode=nodelay and mode=coalesce, against writing once";
    }

    @Override
    public Map<String, Options.Kind> options() {
        Map<String, Options.Kind> m = new LinkedHashMap<>();
        m.put("--agent", Options.Kind.STRING);
        m.put("--requests", Options.Kind.INT);
        m.put("--rounds", Options.Kind.INT);
        m.put("--quiet", Options.Kind.FLAG);
        return m;
    }

    @Override
    public String synopsis() {
        return "[--agent PATH] [--requests N] [--rounds N] [--quiet]";
    }

    @Override
    public int run(Options o, PrintStream out, PrintStream err) throws Exception {
        int requests = o.integer("--requests", DEFAULT_REQUESTS, 10);
        int rounds = o.integer("--rounds", DEFAULT_ROUNDS, 1);
        Path self = Tour.codeSource();
        Path agent = o.has("--agent") ? Path.of(o.string("--agent", "")).toAbsolutePath() : Tour.defaultAgent(self);
        if (!Files.isRegularFile(agent)) {
            err.println("bench-fixes: agent jar not found at " + agent
                    + " - build it first with: mvn -B -q -DskipTests package, or pass --agent PATH");
            return 2;
        }
        String java = Tour.javaBinary();
        List<String> launch = Tour.launch(self);

        Map<Variant, List<Map<String, String>>> results = new LinkedHashMap<>();
        for (Variant v : VARIANTS) results.put(v, new ArrayList<>());
        for (int round = 1; round <= rounds; round++) {
            for (Variant v : VARIANTS) {
                int n = v.stalls() ? Math.min(requests, STALLING_REQUESTS) : requests;
                List<String> args = List.of("--requests", String.valueOf(n), "--warmup", String.valueOf(Math.min(n, 500)),
                        "--segments");
                if (!o.quiet()) err.println("bench-fixes: round " + round + "/" + rounds + ": " + v.label());
                Tour.Run r = Tour.runChild(java, launch, v.demo(), args, v.agentArgs() == null ? null : agent,
                        v.agentArgs() == null ? "" : v.agentArgs(), 300);
                if (r.failed()) {
                    err.println("bench-fixes: " + v.label() + " failed (exit " + r.exit() + "): " + r.stderr());
                    return 1;
                }
                results.get(v).add(r.result());
            }
        }

        Variant once = VARIANTS.get(VARIANTS.size() - 1);
        double onceP50 = median(results.get(once), "p50_ms");
        double onceP99 = median(results.get(once), "p99_ms");
        double onceSegs = median(results.get(once), "data_segs_per_req");
        out.printf(Locale.ROOT, "wwr-client, %d requests (%d for the unfixed client) x %d interleaved rounds, JDK %d, "
                + "medians; ratios are to writing once, in the same run%n%n", requests, STALLING_REQUESTS, rounds,
                Runtime.version().feature());
        out.println("| variant | p50 ms | p99 ms | data segments / request | p50 vs one write | p99 vs one write "
                + "| segments vs one write |");
        out.println("|---|---|---|---|---|---|---|");
        Result summary = new Result(name()).put("rounds", rounds).put("requests", requests);
        for (Variant v : VARIANTS) {
            double p50 = median(results.get(v), "p50_ms");
            double p99 = median(results.get(v), "p99_ms");
            double segs = median(results.get(v), "data_segs_per_req");
            out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.2f | %.2fx | %.2fx | %.2fx |%n", v.label(), p50, p99, segs,
                    p50 / onceP50, p99 / onceP99, segs / onceSegs);
            if (v.label().equals("mode=coalesce")) {
                summary.put("coalesce_p50_ratio", Stats.twoDecimals(p50 / onceP50))
                        .put("coalesce_p99_ratio", Stats.twoDecimals(p99 / onceP99))
                        .put("coalesce_segs_ratio", Stats.twoDecimals(segs / onceSegs));
            }
        }
        out.println();
        out.println(summary);
        return 0;
    }

    private static double median(List<Map<String, String>> runs, String key) {
        double[] v = runs.stream().mapToDouble(r -> Double.parseDouble(r.getOrDefault(key, "NaN"))).toArray();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
