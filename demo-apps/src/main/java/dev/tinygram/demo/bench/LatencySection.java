package dev.tinygram.demo.bench;

import dev.tinygram.demo.bench.BenchPlan.LatencyPlan;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Section 1: every request/response demo under every mode, one child JVM per cell and round, with ratios to the
 * same demo without the agent; then bulk-stream's throughput by mode and wwr-client's latency CDF.
 */
final class LatencySection implements Section {
    /** Not an agent setting: wwr-client's own fix (one write per request), the target the agent's fixes aim at. */
    private static final Mode WRITE_ONCE = new Mode("write-once", null);
    /** A stalling client takes ~44 ms a request, so a couple of warm-up requests are plenty. */
    private static final int STALLING_WARMUP = 2;
    /** virtual-threads runs this many clients, and its --requests and --warmup are per client. */
    private static final int VIRTUAL_THREAD_CLIENTS = 50;

    /**
     * One demo under one mode. {@code program} differs from the spec's demo for write-once;
     * {@code recordsLatencies}: wwr-client and write-once write every request's latency, for the CDF.
     */
    private record Cell(DemoSpec spec, Mode mode, String program, List<String> args, boolean recordsLatencies) {
    }

    /** Every cell's runs, in cell order; and wwr-client's latencies in ns per mode name, over all rounds. */
    private record Measured(Map<Cell, List<Children.Run>> runs, Map<String, List<Long>> latencies) {
    }

    private final BenchContext ctx;
    private final LatencyPlan plan;
    private final PrintStream md;
    private final int jdk = Runtime.version().feature();

    LatencySection(BenchContext ctx) {
        this.ctx = ctx;
        this.plan = ctx.plan.latency();
        this.md = ctx.md;
    }

    @Override
    public void run() throws Exception {
        printIntro();
        Measured measured = measure(cells());
        Map<String, LatencyResult> wwrByMode = printTable(measured.runs());
        printAgainstWriteOnce(wwrByMode);
        new BulkThroughputByMode(ctx).run();
        new LatencyCdf(ctx).write(measured.latencies());
    }

    private void printIntro() {
        md.println("## 1. Latency per demo and mode");
        md.println();
        md.printf(Locale.ROOT, "One child JVM per cell and round: %,d timed requests after %,d warm-up; %d for a "
                + "client that stalls (~44 ms each: every demo but interactive and wwr-client-nodelay, under off and "
                + "observe), so its p99 is its maximum; %s. virtual-threads: 50 clients, requests split among them. "
                + "Ratios are to the same demo without the agent (off), in this run. Data segments per request come "
                + "from `ss` (`--segments`); n/a for demos without that option.%n%n",
                plan.requests(), plan.warmup(), plan.stallingRequests(), plan.roundsDescription());
        if (!plan.demos().isEmpty()) {
            md.println("This run covers only " + String.join(" and ", plan.demos()) + "; the full run has every demo.");
            md.println();
        }
    }

    /** The plan's demos, or all of them. */
    private List<DemoSpec> demos() {
        return plan.demos().isEmpty() ? DemoSpec.ALL
                : DemoSpec.ALL.stream().filter(d -> plan.demos().contains(d.demo())).toList();
    }

    private List<Cell> cells() {
        List<Cell> cells = new ArrayList<>();
        for (DemoSpec d : demos()) {
            if (!d.runsOn(jdk)) continue;
            for (Mode m : Mode.ALL) {
                boolean stalls = d.stalls() && m.leavesStalls();
                cells.add(new Cell(d, m, d.demo(), requestArgs(d, stalls), d.isWwrClient()));
            }
            if (d.isWwrClient()) {
                cells.add(new Cell(d, WRITE_ONCE, "write-once", requestArgs(d, false), true));
            }
        }
        return cells;
    }

    private List<String> requestArgs(DemoSpec d, boolean stalls) {
        int n = stalls ? plan.stallingRequests() : plan.requests();
        int w = stalls ? STALLING_WARMUP : plan.warmup();
        if (d.demo().equals("virtual-threads")) {
            n = Math.max(1, n / VIRTUAL_THREAD_CLIENTS);
            w = Math.max(1, w / VIRTUAL_THREAD_CLIENTS);
        }
        List<String> args = new ArrayList<>(d.args());
        args.addAll(List.of("--requests", String.valueOf(n), "--warmup", String.valueOf(w), "--quiet"));
        if (d.segments()) args.add("--segments");
        return args;
    }

    /** Runs every cell once per round, rounds one after another so that drift hits every cell alike. */
    private Measured measure(List<Cell> cells) throws Exception {
        Map<Cell, List<Children.Run>> runs = new LinkedHashMap<>();
        Map<String, List<Long>> latencies = new LinkedHashMap<>();
        Path latFile = Files.createTempFile("tinygram-bench-", ".lat");
        try {
            for (int round = 1; round <= plan.rounds(); round++) {
                int i = 0;
                for (Cell c : cells) {
                    i++;
                    ctx.progress("1/5 demos: round " + round + "/" + plan.rounds() + ", " + i + "/" + cells.size()
                            + ": " + c.spec().label() + " " + c.mode().name());
                    List<String> args = new ArrayList<>(c.args());
                    if (c.recordsLatencies()) args.addAll(List.of("--latencies", latFile.toString()));
                    Files.deleteIfExists(latFile);   // so that a run that fails to write it adds nothing stale
                    Children.Run r = ctx.child(List.of(), c.mode().agentArgs(), c.program(), args);
                    runs.computeIfAbsent(c, k -> new ArrayList<>()).add(r);
                    if (c.recordsLatencies() && !r.failed() && Files.isRegularFile(latFile)) {
                        List<Long> l = latencies.computeIfAbsent(c.mode().name(), k -> new ArrayList<>());
                        for (String line : Files.readAllLines(latFile)) l.add(Long.parseLong(line.trim()));
                    }
                }
            }
        } finally {
            Files.deleteIfExists(latFile);
        }
        return new Measured(runs, latencies);
    }

    /** Prints the table; returns wwr-client's figures by mode name, for the comparison with write-once. */
    private Map<String, LatencyResult> printTable(Map<Cell, List<Children.Run>> runs) {
        md.println("| demo | mode | requests | p50 ms | p99 ms | requests/s | data segments/request | p50 vs off "
                + "| p99 vs off | requests/s vs off | segments vs off |");
        md.println("|---|---|---|---|---|---|---|---|---|---|---|");
        Map<String, LatencyResult> wwrByMode = new LinkedHashMap<>();
        for (DemoSpec d : demos()) {
            if (!d.runsOn(jdk)) {
                md.println("| virtual-threads | all | skipped: needs JDK 21+, this is JDK " + jdk
                        + " (run bench on a JDK 21+ to include it) | | | | | | | | |");
                continue;
            }
            LatencyResult off = null;   // off is the demo's first cell; it stays null when off failed
            for (Map.Entry<Cell, List<Children.Run>> e : runs.entrySet()) {
                Cell cell = e.getKey();
                if (cell.spec() != d) continue;
                List<Children.Run> rs = e.getValue();
                String mode = cell.mode().equals(WRITE_ONCE) ? "write-once (the fix in the app, no agent)"
                        : cell.mode().name();
                List<Children.Run> ok = ctx.succeeded(rs);
                if (ok.isEmpty()) {
                    md.println("| " + d.label() + " | " + mode + " | failed: " + rs.get(0).why()
                            + " | | | | | | | | |");
                    continue;
                }
                LatencyResult v = LatencyResult.medianOf(ok);
                if (cell.mode().equals(Mode.OFF)) off = v;
                if (d.isWwrClient()) wwrByMode.put(cell.mode().name(), v);
                LatencyResult.Ratios vsOff = v.over(off == null ? LatencyResult.NOT_MEASURED : off);
                md.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", d.label(), mode,
                        ok.get(0).result().getOrDefault("requests", "?"), Format.num(v.p50Ms(), 3),
                        Format.num(v.p99Ms(), 3), Format.num(v.requestsPerSecond(), 0),
                        Format.num(v.dataSegmentsPerRequest(), 2), Format.ratio(vsOff.p50()),
                        Format.ratio(vsOff.p99()), Format.ratio(vsOff.requestsPerSecond()),
                        Format.ratio(vsOff.dataSegments()));
            }
        }
        md.println();
        return wwrByMode;
    }

    /** The agent's fixes against the fix in the app: how close each gets to writing once. */
    private void printAgainstWriteOnce(Map<String, LatencyResult> wwrByMode) {
        LatencyResult once = wwrByMode.get(WRITE_ONCE.name());
        if (once == null) return;
        for (String m : List.of("nodelay", "coalesce")) {
            LatencyResult v = wwrByMode.get(m);
            if (v == null) continue;
            LatencyResult.Ratios r = v.over(once);
            md.printf(Locale.ROOT, "wwr-client under %s against the app's own fix (write-once): p50 %s, p99 %s, "
                    + "requests/s %s, data segments %s.%n", m, Format.ratio(r.p50()), Format.ratio(r.p99()),
                    Format.ratio(r.requestsPerSecond()), Format.ratio(r.dataSegments()));
        }
        md.println();
    }
}
