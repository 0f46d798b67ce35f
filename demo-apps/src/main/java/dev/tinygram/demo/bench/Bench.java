package dev.tinygram.demo.bench;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench}: what the agent costs and what its fixes buy, in child JVMs of the same JDK. Prints markdown
 * tables; every figure comes with its ratio to a baseline measured in the same run, since absolute times drift on
 * shared machines. Also writes the tables to {@code OUT/bench.md} and the wwr-client latency CDF to
 * {@code OUT/wwr-latency-cdf.svg}. A benchmark, not a test: it asserts nothing about the goals it shows.
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

    /** The sizes of a run. */
    private record Plan(String name, List<String> demos, int requests, int warmup, int stallingRequests, int rounds,
                        int bulkMessages, int pingPongs, int pingWarmup, int pairs, int overheadBulk, int startPairs, int attaches,
                        int memOpen, int memChurn, List<String> jmhArgs, int jmhTimeout) {
    }

    private static final Plan FULL = new Plan("full", List.of(), 5_000, 500, 30, 1, 100_000, 20_000, 5_000, 5, 200_000, 7, 3,
            5_000, 100_000, List.of(), 480);   // JMH: the configuration in the jar's annotations
    private static final Plan SMOKE = new Plan("smoke", List.of("wwr-client", "interactive"), 200, 20, 4, 1, 5_000, 1_000, 100, 1, 5_000, 1, 1,
            200, 2_000, List.of("-f", "1", "-wi", "1", "-i", "1", "-w", "200ms", "-r", "200ms"), 300);

    /** An agent setting; {@code agentArgs} null means no agent. */
    private record Mode(String name, String agentArgs) {
    }

    private static final Mode OFF = new Mode("off", null);
    private static final Mode OBSERVE = new Mode("observe", "mode=observe,log=warn");
    private static final List<Mode> MODES = List.of(OFF, OBSERVE, new Mode("nodelay", "mode=nodelay,log=warn"),
            new Mode("coalesce", "mode=coalesce,log=warn"));

    /** A request/response demo; {@code segments}: it supports --segments. */
    private record DemoSpec(String demo, List<String> args, boolean stalls, boolean segments) {
        String label() {
            return args.isEmpty() ? demo : demo + " " + String.join(" ", args);
        }
    }

    private static final List<DemoSpec> DEMOS = List.of(
            new DemoSpec("wwr-client", List.of(), true, true),
            new DemoSpec("split-response", List.of(), true, false),
            new DemoSpec("nio-client", List.of("--blocking"), true, false),
            new DemoSpec("nio-client", List.of("--nonblocking"), true, false),
            new DemoSpec("tls-client", List.of(), true, false),
            new DemoSpec("virtual-threads", List.of(), true, false),
            new DemoSpec("interactive", List.of(), false, false),
            new DemoSpec("wwr-client-nodelay", List.of(), false, true));

    private static final int CHILD_TIMEOUT_S = 180;
    private static final Pattern READY = Pattern.compile("ready in (\\d+) ms");

    private final Plan plan;
    private final Children children;
    private final Path outDir;
    private final PrintStream md;
    private final PrintStream err;
    private final boolean quiet;
    private int failures;

    private Bench(Plan plan, Children children, Path outDir, PrintStream md, PrintStream err, boolean quiet) {
        this.plan = plan;
        this.children = children;
        this.outDir = outDir;
        this.md = md;
        this.err = err;
        this.quiet = quiet;
    }

    public static int run(Map<String, String> o, PrintStream out, PrintStream err) throws Exception {
        Plan plan = o.containsKey("--smoke") ? SMOKE : FULL;
        Children children = new Children(o.containsKey("--agent") ? Path.of(o.get("--agent")) : null);
        if (!Files.isRegularFile(children.agent)) {
            err.println("bench: agent jar not found at " + children.agent
                    + " - build it first with: mvn -B -q -DskipTests package, or pass --agent PATH");
            return 2;
        }
        Path outDir = Path.of(o.getOrDefault("--out", "bench-results")).toAbsolutePath().normalize();
        Files.createDirectories(outDir);
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        PrintStream md = new PrintStream(new OutputStream() {
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
        }, true, StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        Bench b = new Bench(plan, children, outDir, md, err, o.containsKey("--quiet"));
        b.header();
        for (Section section : List.<Section>of(b::demos, b::overhead, b::jmh, b::startup, b::memory)) {
            long s0 = System.nanoTime();
            section.run();
            md.printf(Locale.ROOT, "_This section took %.0f s._%n%n", (System.nanoTime() - s0) / 1e9);
        }
        md.printf(Locale.ROOT, "Total wall time: %.0f s. Failed child runs: %d.%n", (System.nanoTime() - t0) / 1e9,
                b.failures);
        Files.write(outDir.resolve("bench.md"), copy.toByteArray());
        out.printf(Locale.ROOT, "RESULT demo=bench run=%s failed_runs=%d wall_s=%.0f out=%s%n", plan.name(),
                b.failures, (System.nanoTime() - t0) / 1e9, outDir);
        return b.failures == 0 ? 0 : 1;
    }

    private interface Section {
        void run() throws Exception;
    }

    // ---------------------------------------------------------------- header

    private void header() {
        md.println("# tinygram benchmark (" + plan.name() + " run)");
        md.println();
        md.println("- date: " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
        md.println("- JDK: " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + "), " + children.java);
        md.printf(Locale.ROOT, "- machine: %d cores, %s %s, CPU: %s; load average at start %.2f%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("os.arch"), cpuModel(), ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
        md.println("- agent: " + children.agent);
        md.println("- every figure is measured in child JVMs in this run; ratios are to a baseline of the same run"
                + (plan == SMOKE ? "\n- SMOKE run: sizes are cut to seconds; the figures only show that every table "
                + "works, not what the agent costs" : ""));
        md.println();
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
            return "not in /proc/cpuinfo";
        } catch (IOException | RuntimeException e) {
            return "unknown (/proc/cpuinfo not readable)";
        }
    }

    // ---------------------------------------------------------------- 1. demos x modes

    private void demos() throws Exception {
        int jdk = Runtime.version().feature();
        md.println("## 1. Latency per demo and mode");
        md.println();
        md.printf(Locale.ROOT, "One child JVM per cell and round: %,d timed requests after %,d warm-up; %d for a "
                + "client that stalls (~44 ms each: every demo but interactive and wwr-client-nodelay, under off and "
                + "observe), so its p99 is its maximum; %s. virtual-threads: 50 clients, requests split among them. "
                + "Ratios are to the same demo without the agent (off), in this run. Data segments per request come "
                + "from `ss` (`--segments`); n/a for demos without that option.%n%n",
                plan.requests(), plan.warmup(), plan.stallingRequests(), rounds());
        if (!plan.demos().isEmpty()) {
            md.println("This run covers only " + String.join(" and ", plan.demos()) + "; the full run has every demo.");
            md.println();
        }
        record Cell(DemoSpec d, Mode m, String demo, List<String> args, boolean wwr) {
        }
        List<Cell> cells = new ArrayList<>();
        for (DemoSpec d : demoList()) {
            if (d.demo().equals("virtual-threads") && jdk < 21) continue;
            for (Mode m : MODES) {
                boolean stalls = d.stalls() && (m == OFF || m == OBSERVE);
                cells.add(new Cell(d, m, d.demo(), requestArgs(d, stalls), d.demo().equals("wwr-client")));
            }
            if (d.demo().equals("wwr-client")) {
                cells.add(new Cell(d, new Mode("write-once", null), "write-once", requestArgs(d, false), true));
            }
        }
        Map<Cell, List<Children.Run>> runs = new LinkedHashMap<>();
        Map<String, List<Long>> latencies = new LinkedHashMap<>();
        Path latFile = Files.createTempFile("tinygram-bench-", ".lat");
        try {
            for (int round = 1; round <= plan.rounds(); round++) {
                int i = 0;
                for (Cell c : cells) {
                    i++;
                    progress("1/5 demos: round " + round + "/" + plan.rounds() + ", " + i + "/" + cells.size() + ": "
                            + c.d().label() + " " + c.m().name());
                    List<String> args = new ArrayList<>(c.args());
                    if (c.wwr()) args.addAll(List.of("--latencies", latFile.toString()));
                    Files.deleteIfExists(latFile);
                    Children.Run r = child(List.of(), c.m().agentArgs(), c.demo(), args);
                    runs.computeIfAbsent(c, k -> new ArrayList<>()).add(r);
                    if (c.wwr() && !r.failed() && Files.isRegularFile(latFile)) {
                        List<Long> l = latencies.computeIfAbsent(c.m().name(), k -> new ArrayList<>());
                        for (String line : Files.readAllLines(latFile)) l.add(Long.parseLong(line.trim()));
                    }
                }
            }
        } finally {
            Files.deleteIfExists(latFile);
        }

        md.println("| demo | mode | requests | p50 ms | p99 ms | requests/s | data segments/request | p50 vs off "
                + "| p99 vs off | requests/s vs off | segments vs off |");
        md.println("|---|---|---|---|---|---|---|---|---|---|---|");
        Map<String, double[]> wwr = new LinkedHashMap<>();
        for (DemoSpec d : demoList()) {
            if (d.demo().equals("virtual-threads") && jdk < 21) {
                md.println("| virtual-threads | all | skipped: needs JDK 21+, this is JDK " + jdk
                        + " (run bench on a JDK 21+ to include it) | | | | | | | | |");
                continue;
            }
            double[] off = null;
            for (Map.Entry<Cell, List<Children.Run>> e : runs.entrySet()) {
                if (e.getKey().d() != d) continue;
                List<Children.Run> rs = e.getValue();
                String mode = e.getKey().m().name();
                if (mode.equals("write-once")) mode = "write-once (the fix in the app, no agent)";
                List<Children.Run> ok = rs.stream().filter(r -> !r.failed() && !r.result().isEmpty()).toList();
                if (ok.size() < rs.size()) failures += rs.size() - ok.size();
                if (ok.isEmpty()) {
                    md.println("| " + d.label() + " | " + mode + " | failed: " + rs.get(0).why() + " | | | | | | | | |");
                    continue;
                }
                double[] v = {median(ok, r -> r.num("p50_ms")), median(ok, r -> r.num("p99_ms")),
                        median(ok, r -> r.num("rps")), median(ok, r -> r.num("data_segs_per_req"))};
                if (e.getKey().m() == OFF) off = v;
                if (d.demo().equals("wwr-client")) wwr.put(e.getKey().m().name(), v);
                double[] base = off == null ? new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN} : off;
                md.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", d.label(), mode,
                        ok.get(0).result().getOrDefault("requests", "?"), num(v[0], 3), num(v[1], 3), num(v[2], 0),
                        num(v[3], 2), ratio(v[0] / base[0]), ratio(v[1] / base[1]), ratio(v[2] / base[2]),
                        ratio(v[3] / base[3]));
            }
        }
        md.println();
        double[] once = wwr.get("write-once");
        if (once != null) {
            for (String m : List.of("nodelay", "coalesce")) {
                double[] v = wwr.get(m);
                if (v == null) continue;
                md.printf(Locale.ROOT, "wwr-client under %s against the app's own fix (write-once): p50 %s, p99 %s, "
                        + "requests/s %s, data segments %s.%n", m, ratio(v[0] / once[0]), ratio(v[1] / once[1]),
                        ratio(v[2] / once[2]), ratio(v[3] / once[3]));
            }
            md.println();
        }
        bulkByMode();
        svg(latencies);
    }

    /** The plan's demos, or all of them. */
    private List<DemoSpec> demoList() {
        return plan.demos().isEmpty() ? DEMOS : DEMOS.stream().filter(d -> plan.demos().contains(d.demo())).toList();
    }

    private String rounds() {
        return plan.rounds() == 1 ? "one run per cell" : plan.rounds() + " interleaved rounds, median per cell";
    }

    private List<String> requestArgs(DemoSpec d, boolean stalls) {
        int n = stalls ? plan.stallingRequests() : plan.requests();
        int w = stalls ? 2 : plan.warmup();
        if (d.demo().equals("virtual-threads")) {   // --requests and --warmup are per client there (50 clients)
            n = Math.max(1, n / 50);
            w = Math.max(1, w / 50);
        }
        List<String> args = new ArrayList<>(d.args());
        args.addAll(List.of("--requests", String.valueOf(n), "--warmup", String.valueOf(w), "--quiet"));
        if (d.segments()) args.add("--segments");
        return args;
    }

    private void bulkByMode() throws Exception {
        md.printf(Locale.ROOT, "bulk-stream (%,d messages of 64 B, each its own write, one ack at the end; Nagle "
                + "helps here), throughput by mode (%s):%n%n", plan.bulkMessages(), rounds());
        Map<Mode, List<Children.Run>> runs = new LinkedHashMap<>();
        for (int round = 1; round <= plan.rounds(); round++) {
            for (Mode m : MODES) {
                progress("1/5 bulk-stream: round " + round + "/" + plan.rounds() + ": " + m.name());
                runs.computeIfAbsent(m, k -> new ArrayList<>()).add(child(List.of(), m.agentArgs(), "bulk-stream",
                        List.of("--messages", String.valueOf(plan.bulkMessages()), "--quiet")));
            }
        }
        md.println("| mode | MB/s | MB/s vs off |");
        md.println("|---|---|---|");
        double off = Double.NaN;
        for (Map.Entry<Mode, List<Children.Run>> e : runs.entrySet()) {
            List<Children.Run> ok = ok(e.getValue());
            if (ok.isEmpty()) {
                md.println("| " + e.getKey().name() + " | failed: " + e.getValue().get(0).why() + " | |");
                continue;
            }
            double v = median(ok, r -> r.num("mb_per_s"));
            if (e.getKey() == OFF) off = v;
            md.println("| " + e.getKey().name() + " | " + num(v, 2) + " | " + ratio(v / off) + " |");
        }
        md.println();
    }

    private void svg(Map<String, List<Long>> latencies) throws IOException {
        Map<String, long[]> series = new LinkedHashMap<>();
        for (String m : List.of("off", "observe", "nodelay", "coalesce", "write-once")) {
            List<Long> l = latencies.getOrDefault(m, List.of());
            String label = switch (m) {
                case "off" -> "off (no agent, Nagle stalls)";
                case "observe" -> "mode=observe";
                case "nodelay" -> "mode=nodelay";
                case "coalesce" -> "mode=coalesce";
                default -> "write-once (the app's fix, no agent)";
            };
            series.put(label, l.stream().mapToLong(Long::longValue).toArray());
        }
        Path file = outDir.resolve("wwr-latency-cdf.svg");
        CdfSvg.write(file, "wwr-client: latency per request by mode (CDF)",
                Instant.now().truncatedTo(ChronoUnit.SECONDS) + " · JDK " + Runtime.version() + " · "
                        + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.arch")
                        + " · " + cpuModel() + " · every timed request, " + rounds(),
                series);
        md.println("Latency CDF of wwr-client per mode: " + file);
        md.println();
    }

    // ---------------------------------------------------------------- 2. observe overhead

    private void overhead() throws Exception {
        md.println("## 2. Observe-mode overhead, no stall");
        md.println();
        md.printf(Locale.ROOT, "Child JVMs without the agent and with `mode=observe`, %d interleaved pair(s) (the "
                + "order alternates), median of the per-pair ratios. Goal: observe at most 1.02x the wall time.%n%n",
                plan.pairs());
        Pairs ping = pairs("2/5 ping-pong", null, "wwr-client-nodelay", List.of("--requests",
                String.valueOf(plan.pingPongs()), "--warmup", String.valueOf(plan.pingWarmup()), "--quiet"),
                r -> r.num("requests") / r.num("rps"));
        Pairs bulk = pairs("2/5 bulk-stream", null, "bulk-stream", List.of("--messages",
                String.valueOf(plan.overheadBulk()), "--quiet"), r -> r.num("bytes") / 1e6 / r.num("mb_per_s"));
        md.println("| workload | wall time without agent (median) | with observe (median) | observe / without "
                + "(median of pairs) | the pairs | goal <= 1.02x |");
        md.println("|---|---|---|---|---|---|");
        overheadRow(String.format(Locale.ROOT, "ping-pong, TCP_NODELAY (wwr-client-nodelay): %,d round trips after "
                + "%,d warm-up, timed loop", plan.pingPongs(), plan.pingWarmup()), ping);
        overheadRow(String.format(Locale.ROOT, "bulk-stream: %,d writes of 80 B, whole transfer (includes JIT "
                + "warm-up: the demo has none)", plan.overheadBulk()), bulk);
        md.println();
    }

    private void overheadRow(String label, Pairs p) {
        if (p.ratios().length == 0) {
            md.println("| " + label + " | failed | | | | not measured |");
            return;
        }
        double r = median(p.ratios());
        StringBuilder each = new StringBuilder();
        for (double x : p.ratios()) each.append(each.length() == 0 ? "" : ", ").append(num(x, 3));
        double lo = min(p.ratios());
        double hi = max(p.ratios());
        String noisy = hi - lo > 0.04 ? String.format(Locale.ROOT, " (but the pairs span %.2f to %.2f: too noisy here "
                + "to judge a 2 %% goal)", lo, hi) : "";
        md.printf(Locale.ROOT, "| %s | %s s | %s s | %s | %s | %s%s |%n", label, num(median(p.without()), 3),
                num(median(p.with()), 3), num(r, 3) + "x", each, r <= 1.02 ? "met" : "missed", noisy);
    }

    /** Per pair: the measure without and with the agent, and their ratio (with / without). */
    private record Pairs(double[] without, double[] with, double[] ratios, List<Children.Run> withRuns) {
    }

    /** Interleaved pairs of runs without and with the agent ({@code mode=observe} unless agentArgs is given). */
    private Pairs pairs(String what, String agentArgs, String demo, List<String> args,
                        ToDoubleFunction<Children.Run> measure) throws Exception {
        return pairs(what, agentArgs, () -> children.demo(List.of(), null, demo, args),
                a -> children.demo(List.of(), a, demo, args), measure, plan.pairs());
    }

    private interface Cmd {
        List<String> get();
    }

    private interface AgentCmd {
        List<String> get(String agentArgs);
    }

    private Pairs pairs(String what, String agentArgs, Cmd without, AgentCmd with,
                        ToDoubleFunction<Children.Run> measure, int n) throws Exception {
        List<Double> wo = new ArrayList<>();
        List<Double> wi = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Children.Run> withRuns = new ArrayList<>();
        String args = agentArgs == null ? OBSERVE.agentArgs() : agentArgs;
        for (int i = 0; i < n; i++) {
            progress(what + ": pair " + (i + 1) + "/" + n);
            Children.Run a;
            Children.Run b;
            if (i % 2 == 0) {
                a = Children.run(without.get(), CHILD_TIMEOUT_S);
                b = Children.run(with.get(args), CHILD_TIMEOUT_S);
            } else {
                b = Children.run(with.get(args), CHILD_TIMEOUT_S);
                a = Children.run(without.get(), CHILD_TIMEOUT_S);
            }
            if (a.failed() || b.failed()) {
                failures++;
                err.println("bench: " + what + ": a run failed: " + (a.failed() ? a.why() : b.why()));
                continue;
            }
            double x = measure.applyAsDouble(a);
            double y = measure.applyAsDouble(b);
            wo.add(x);
            wi.add(y);
            ratios.add(y / x);
            withRuns.add(b);
        }
        return new Pairs(toArray(wo), toArray(wi), toArray(ratios), withRuns);
    }

    // ---------------------------------------------------------------- 3. JMH

    private void jmh() throws Exception {
        md.println("## 3. JMH micro-benchmarks");
        md.println();
        Path jar = null;
        for (Path p : List.of(Path.of("bench/target/tinygram-jmh.jar"),
                children.self.getParent().resolve("../../bench/target/tinygram-jmh.jar"))) {
            if (Files.isRegularFile(p)) {
                jar = p.toAbsolutePath().normalize();
                break;
            }
        }
        if (jar == null) {
            md.println("Not run: bench/target/tinygram-jmh.jar not found. Build it (from the repository root: "
                    + "`mvn -B -q -pl bench -am package -DskipTests`) and run bench again.");
            md.println();
            return;
        }
        progress("3/5 JMH (up to " + plan.jmhTimeout() + " s)");
        if (!Jmh.section(md, err, children.java, jar, plan.jmhArgs(), outDir, plan.jmhTimeout())) failures++;
        md.println();
    }

    // ---------------------------------------------------------------- 4. start-up

    private void startup() throws Exception {
        md.println("## 4. Start-up");
        md.println();
        List<String> args = List.of("interactive", "--requests", "1", "--warmup", "0", "--quiet");
        Pairs p = pairs("4/5 start-up", "mode=observe,log=info",
                () -> children.demo(List.of(), null, args.get(0), args.subList(1, args.size())),
                a -> children.demo(List.of(), a, args.get(0), args.subList(1, args.size())),
                r -> r.wallNanos() / 1e6, plan.startPairs());
        List<Double> ready = new ArrayList<>();
        for (Children.Run r : p.withRuns()) {
            for (String line : r.stderr()) {
                Matcher m = READY.matcher(line);
                if (m.find()) ready.add(Double.parseDouble(m.group(1)));
            }
        }
        double[] diffs = new double[p.ratios().length];
        for (int i = 0; i < diffs.length; i++) diffs[i] = p.with()[i] - p.without()[i];
        md.printf(Locale.ROOT, "%d interleaved pair(s) of `java -jar tinygram-demos.jar interactive --requests 1` "
                + "without and with `-javaagent:...=mode=observe,log=info`, wall time of the whole process. "
                + "Goal: start-up at most 300 ms.%n%n", plan.startPairs());
        md.println("| measure | median | min | max | vs baseline | goal <= 300 ms |");
        md.println("|---|---|---|---|---|---|");
        if (ready.isEmpty()) {
            md.println("| (a) premain to ready, as the agent reports it (\"ready in N ms\") | not measured: no line "
                    + "found | | | | |");
        } else {
            double[] rd = toArray(ready);
            md.printf(Locale.ROOT, "| (a) premain to ready, as the agent reports it (\"ready in N ms\"), %d run(s) | "
                    + "%.0f ms | %.0f ms | %.0f ms | %s the whole run without agent | %s |%n", rd.length, median(rd),
                    min(rd), max(rd), ratio(median(rd) / median(p.without())), median(rd) <= 300 ? "met" : "missed");
        }
        if (p.ratios().length == 0) {
            md.println("| (b) wall time with vs without agent | failed | | | | |");
        } else {
            md.printf(Locale.ROOT, "| (b) wall time without agent | %.0f ms | %.0f ms | %.0f ms | baseline | |%n",
                    median(p.without()), min(p.without()), max(p.without()));
            md.printf(Locale.ROOT, "| (b) wall time with agent | %.0f ms | %.0f ms | %.0f ms | %s (median of pairs) "
                    + "| |%n", median(p.with()), min(p.with()), max(p.with()), ratio(median(p.ratios())));
            md.printf(Locale.ROOT, "| (b) added by the agent (with - without, per pair) | %.0f ms | %.0f ms | %.0f ms "
                    + "| | %s |%n", median(diffs), min(diffs), max(diffs), median(diffs) <= 300 ? "met" : "missed");
        }
        attach();
        md.println();
    }

    /** (c): attach to and detach from a running wwr-client, timed end to end, against the CLI doing nothing. */
    private void attach() throws Exception {
        List<Double> attach = new ArrayList<>();
        List<Double> detach = new ArrayList<>();
        List<Double> cli = new ArrayList<>();
        String problem = null;
        for (int i = 0; i < plan.attaches(); i++) {
            progress("4/5 attach: " + (i + 1) + "/" + plan.attaches());
            Children.Run help = Children.run(children.agentCli("help"), 60);
            if (!help.failed()) cli.add(help.wallNanos() / 1e6);
            Process target = new ProcessBuilder(children.demo(List.of(), null, "wwr-client",
                    List.of("--duration", "120", "--quiet"))).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                CountDownLatch running = new CountDownLatch(1);
                Thread reader = new Thread(() -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(target.getInputStream(),
                            StandardCharsets.UTF_8))) {
                        for (String line = r.readLine(); line != null; line = r.readLine()) {
                            if (line.startsWith("SECOND ")) running.countDown();
                        }
                    } catch (IOException ignored) {
                        // the target was stopped
                    }
                });
                reader.setDaemon(true);
                reader.start();
                if (!running.await(60, TimeUnit.SECONDS)) {
                    problem = "the target wwr-client printed no per-second line within 60 s";
                    continue;
                }
                String pid = String.valueOf(target.pid());
                Children.Run a = Children.run(children.agentCli("attach", pid, "mode=observe"), 120);
                if (a.failed()) {
                    problem = "attach failed: " + a.why();
                    continue;
                }
                attach.add(a.wallNanos() / 1e6);
                Thread.sleep(1_000);   // let it observe a few stalled requests
                Children.Run d = Children.run(children.agentCli("detach", pid), 120);
                if (d.failed()) {
                    problem = "detach failed: " + d.why();
                    continue;
                }
                detach.add(d.wallNanos() / 1e6);
            } finally {
                target.destroy();
                if (!target.waitFor(10, TimeUnit.SECONDS)) target.destroyForcibly();
            }
        }
        if (problem != null) {
            failures++;
            md.println("| (c) attach / detach | not measured: " + problem + " | | | | |");
        }
        double base = cli.isEmpty() ? Double.NaN : median(toArray(cli));
        if (!cli.isEmpty()) {
            md.printf(Locale.ROOT, "| (c) baseline: `java -jar tinygram-agent.jar help` (the CLI's own start-up) "
                    + "| %.0f ms | %.0f ms | %.0f ms | baseline | |%n", base, min(toArray(cli)), max(toArray(cli)));
        }
        for (Object[] row : new Object[][] {{"(c) `attach PID mode=observe` to a running wwr-client, end to end",
                attach}, {"(c) `detach PID`, end to end", detach}}) {
            @SuppressWarnings("unchecked")
            double[] v = toArray((List<Double>) row[1]);
            if (v.length == 0) continue;
            md.printf(Locale.ROOT, "| %s, %d run(s) | %.0f ms | %.0f ms | %.0f ms | %s of the CLI's start-up | |%n",
                    row[0], v.length, median(v), min(v), max(v), ratio(median(v) / base));
        }
    }

    // ---------------------------------------------------------------- 5. memory

    private void memory() throws Exception {
        md.println("## 5. Memory");
        md.println();
        List<String> jvm = List.of("-XX:+UseSerialGC", "-Xms512m", "-Xmx512m");
        List<String> args = List.of("--open", String.valueOf(plan.memOpen()), "--churn",
                String.valueOf(plan.memChurn()), "--checkpoints", "4", "--quiet");
        md.printf(Locale.ROOT, "`bench-memory` in two child JVMs (%s), without the agent and with `mode=observe`. "
                + "Both ends of each 127.0.0.1 connection are in that JVM, so one connection is two tracked sockets. "
                + "Heap in use after 3 x `System.gc()`. It opens %,d connections with one request and one response "
                + "each and keeps them open; closes them; then opens and closes %,d more, at most 200 open at a time "
                + "(the client closes with SO_LINGER 0, so no TIME_WAIT piles up).%n%n",
                String.join(" ", jvm), plan.memOpen(), plan.memChurn());
        progress("5/5 memory: without agent");
        Children.Run wo = child(jvm, null, MemoryBench.NAME, args);
        progress("5/5 memory: with agent");
        Children.Run wi = child(jvm, OBSERVE.agentArgs(), MemoryBench.NAME, args);
        if (wo.failed() || wi.failed() || wo.result().isEmpty() || wi.result().isEmpty()) {
            failures++;
            md.println("Not measured: bench-memory failed (" + (wo.failed() ? wo.why() : wi.why()) + ").");
            md.println();
            return;
        }
        int n = plan.memOpen();
        double perWo = (wo.num("heap_open") - wo.num("heap_base")) / n;
        double perWi = (wi.num("heap_open") - wi.num("heap_base")) / n;
        double tracked = wi.num("tracked_sockets");
        md.println("| | without agent | with agent (observe) | with vs without |");
        md.println("|---|---|---|---|");
        memRow("heap after warm-up (baseline)", wo.num("heap_base"), wi.num("heap_base"));
        memRow(String.format(Locale.ROOT, "heap with %,d connections open", n), wo.num("heap_open"), wi.num("heap_open"));
        md.printf(Locale.ROOT, "| per open connection: (open - baseline) / %,d | %.0f B | %.0f B | %s |%n", n, perWo,
                perWi, ratio(perWi / perWo));
        memRow("heap after closing them", wo.num("heap_closed"), wi.num("heap_closed"));
        md.println();
        md.printf(Locale.ROOT, "The agent's own cost: **%.0f B per connection** (with - without), %s%n%n",
                perWi - perWo, tracked > 0 ? String.format(Locale.ROOT, "%.0f B per tracked socket (the agent's "
                        + "MBean counted %,.0f sockets tracked while they opened).", (perWi - perWo) * n / tracked,
                        tracked) : "(the agent's MBean was not readable, so tracked sockets were not counted).");
        long[][] cpWo = checkpoints(wo.result().get("checkpoints"));
        long[][] cpWi = checkpoints(wi.result().get("checkpoints"));
        if (cpWo.length == 0 || cpWo.length != cpWi.length) {
            md.println("Heap checkpoints: not measured.");
            md.println();
            return;
        }
        md.println("| connections opened and closed | heap without agent | heap with agent | with vs without |");
        md.println("|---|---|---|---|");
        for (int i = 0; i < cpWo.length; i++) {
            memRow(String.format(Locale.ROOT, "%,d", cpWo[i][0]), cpWo[i][1], cpWi[i][1]);
        }
        md.println();
        long between = cpWo[cpWo.length - 1][0] - cpWo[0][0];
        double growWo = cpWo[cpWo.length - 1][1] - cpWo[0][1];
        double growWi = cpWi[cpWi.length - 1][1] - cpWi[0][1];
        md.printf(Locale.ROOT, "Growth from the first to the last checkpoint (%,d connections): without agent %s "
                + "(%.2f B/connection), with agent %s (%.2f B/connection). Verdict: %s (flat means under 16 B per "
                + "connection, less than one retained object each).%n", between, bytes(growWo), growWo / between,
                bytes(growWi), growWi / between, growWi / between < 16 ? "**flat**, the agent releases its state"
                        : "**grows**, state is retained");
        md.printf(Locale.ROOT, "Opening and closing took %s s without and %s s with the agent (%s); the agent "
                + "counted %s sockets still open at the end.%n%n", wo.result().get("churn_s"),
                wi.result().get("churn_s"), ratio(wi.num("churn_s") / wo.num("churn_s")),
                wi.result().get("agent_open_after"));
    }

    private void memRow(String label, double without, double with) {
        md.println("| " + label + " | " + bytes(without) + " | " + bytes(with) + " | " + ratio(with / without) + " |");
    }

    private static long[][] checkpoints(String s) {
        if (s == null || s.equals("none")) return new long[0][];
        return Arrays.stream(s.split(",")).map(p -> p.split(":"))
                .map(p -> new long[] {Long.parseLong(p[0]), Long.parseLong(p[1])}).toArray(long[][]::new);
    }

    // ---------------------------------------------------------------- helpers

    private Children.Run child(List<String> jvm, String agentArgs, String demo, List<String> args) throws Exception {
        Children.Run r = Children.run(children.demo(jvm, agentArgs, demo, args), CHILD_TIMEOUT_S);
        if (r.failed()) err.println("bench: " + demo + " " + args + " (agent " + agentArgs + ") failed: " + r.why());
        return r;
    }

    private List<Children.Run> ok(List<Children.Run> runs) {
        List<Children.Run> ok = runs.stream().filter(r -> !r.failed() && !r.result().isEmpty()).toList();
        failures += runs.size() - ok.size();
        return ok;
    }

    private void progress(String s) {
        if (!quiet) err.println("bench: " + s);
    }

    static int intOption(Map<String, String> o, String name, int def, int min) {
        String v = o.get(name);
        if (v == null) return def;
        int n = Integer.parseInt(v);
        if (n < min) throw new IllegalArgumentException("bad value '" + v + "' for option '" + name + "' (must be >= "
                + min + ")");
        return n;
    }

    private static double median(List<Children.Run> runs, ToDoubleFunction<Children.Run> f) {
        return median(runs.stream().mapToDouble(f).toArray());
    }

    /** Median of the non-NaN values; NaN when there are none. */
    static double median(double[] values) {
        double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (v.length == 0) return Double.NaN;
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    private static double[] toArray(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static String num(double v, int decimals) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    /** A ratio as {@code 1.23x}; small ones with two significant digits ({@code 0.00057x}). */
    static String ratio(double r) {
        if (Double.isNaN(r) || Double.isInfinite(r)) return "n/a";
        if (r >= 100) return String.format(Locale.ROOT, "%,.0fx", r);
        if (r >= 0.1) return String.format(Locale.ROOT, "%.2fx", r);
        return new BigDecimal(r).round(new MathContext(2)).toPlainString() + "x";
    }

    private static String bytes(double b) {
        if (Double.isNaN(b)) return "n/a";
        if (Math.abs(b) >= 1 << 20) return String.format(Locale.ROOT, "%.2f MiB", b / (1 << 20));
        if (Math.abs(b) >= 1 << 10) return String.format(Locale.ROOT, "%.1f KiB", b / (1 << 10));
        return String.format(Locale.ROOT, "%.0f B", b);
    }
}
