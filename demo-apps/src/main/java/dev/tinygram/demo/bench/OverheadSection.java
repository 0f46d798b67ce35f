package dev.tinygram.demo.bench;

import dev.tinygram.demo.bench.BenchPlan.OverheadPlan;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Section 2: what observe mode costs a workload that does not stall, as wall time with / without the agent. */
final class OverheadSection implements Section {
    private static final double GOAL = 1.02;
    /** Pairs that spread wider than this cannot judge a 2 % goal. */
    private static final double NOISY_SPAN = 0.04;

    /**
     * The core a pinned child runs on: the last this process may use (any one would do; the last is where it was
     * tried out), from {@code Cpus_allowed_list}, as a container's cores need not start at 0.
     */
    private static final String CORE = lastAllowedCore();
    /** The launcher that keeps a child on that core, or none where {@code taskset} (util-linux) is missing. */
    private static final List<String> ONE_CORE = onPath("taskset") ? List.of("taskset", "-c", CORE) : List.of();

    private final BenchContext ctx;
    private final OverheadPlan plan;
    private final PrintStream md;

    OverheadSection(BenchContext ctx) {
        this.ctx = ctx;
        this.plan = ctx.plan.overhead();
        this.md = ctx.md;
    }

    @Override
    public void run() throws Exception {
        md.println("## 2. Observe-mode overhead, no stall");
        md.println();
        md.printf(Locale.ROOT, "Child JVMs without the agent and with `mode=observe`, %d interleaved pair(s) (the "
                + "order alternates), median of the per-pair ratios. Goal: observe at most 1.02x the wall time.%n%n",
                plan.pairs());
        List<String> pingArgs = List.of("--requests", String.valueOf(plan.pingPongs()), "--warmup",
                String.valueOf(plan.pingWarmup()), "--quiet");
        PairedRuns ping = PairedRuns.measure(ctx, "2/5 ping-pong", Mode.OBSERVE.agentArgs(), "wwr-client-nodelay",
                pingArgs, r -> r.num("requests") / r.num("rps"), plan.pairs());
        PairedRuns pingCpu = ping.remeasured(r -> r.num("cpu_ms"));
        // The same without the agent on both sides: how far apart two identical ping-pongs land here.
        PairedRuns pingAa = PairedRuns.measure(ctx, "2/5 ping-pong A/A", null, "wwr-client-nodelay", pingArgs,
                r -> r.num("cpu_ms"), plan.pairs()).in("ms");
        // Both threads on one core: on two, each round trip wakes a thread on the other core, and how long that
        // takes moves with where the scheduler put them; on one, the round trip's kernel path is the same every
        // time, and what is left between the runs is mostly the agent's own work.
        PairedRuns pinned = ONE_CORE.isEmpty() ? null : PairedRuns.measure(ctx, "2/5 ping-pong on one core",
                ONE_CORE, Mode.OBSERVE.agentArgs(), "wwr-client-nodelay", pingArgs, r -> r.num("cpu_ms"),
                plan.pairs()).in("ms");
        List<String> bulkArgs = List.of("--messages", String.valueOf(plan.bulkMessages()), "--warmup",
                String.valueOf(plan.bulkWarmup()), "--quiet");
        // the inverse of its throughput: the stream's seconds
        ToDoubleFunction<Children.Run> bulkSeconds = r -> r.num("bytes") / 1e6 / r.num("mb_per_s");
        PairedRuns bulk = PairedRuns.measure(ctx, "2/5 bulk-stream", Mode.OBSERVE.agentArgs(), "bulk-stream",
                bulkArgs, bulkSeconds, plan.pairs());
        PairedRuns bulkCpu = bulk.remeasured(r -> r.num("cpu_ms"));
        PairedRuns bulkWriter = bulk.remeasured(r -> r.num("writer_cpu_ns_per_msg"), "ns");
        // The same stream without the agent on both sides: how far apart two identical runs land on this machine.
        PairedRuns bulkAa = PairedRuns.measure(ctx, "2/5 bulk-stream A/A", null, "bulk-stream", bulkArgs,
                bulkSeconds, plan.pairs());
        md.println("| workload | without agent (median) | with observe (median) | observe / without "
                + "(median of pairs) | the pairs | goal <= 1.02x |");
        md.println("|---|---|---|---|---|---|");
        printRow(String.format(Locale.ROOT, "ping-pong, TCP_NODELAY (wwr-client-nodelay): %,d round trips after "
                + "%,d warm-up, timed loop", plan.pingPongs(), plan.pingWarmup()), ping);
        printRow("the same ping-pong's CPU time, all threads of the process, timed loop", pingCpu);
        printRow("A/A: the same ping-pong's CPU time without the agent in both runs of each pair, what these pairs "
                + "can resolve", pingAa, "no agent: the noise");
        if (pinned == null) {
            md.println("| the same ping-pong's CPU time, all threads of the process on one core | | | | | not "
                    + "measured: no `taskset` on this machine |");
        } else {
            printRow("the same ping-pong's CPU time, all threads of the process on one core (`taskset -c " + CORE
                    + "`): the round trip's kernel path no longer moves with the scheduler", pinned);
        }
        printRow(String.format(Locale.ROOT, "bulk-stream steady state: %,d writes of 80 B after %,d of warm-up "
                + "(the inverse of its throughput)", plan.bulkMessages(), plan.bulkWarmup()), bulk);
        printRow("the same stream's CPU time, all threads of the process", bulkCpu);
        printRow("the same stream's writing thread, its CPU per message (system calls included)", bulkWriter);
        printRow("A/A: the same stream without the agent in both runs of each pair (run after the pairs above), "
                + "what these pairs can resolve",
                bulkAa, "no agent: the noise");
        md.println();
    }

    /** The last core this process may use; where /proc does not say, the last of availableProcessors. */
    private static String lastAllowedCore() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) return lastCoreOf(line.substring(line.indexOf(':') + 1));
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or no such line: fall through
        }
        return String.valueOf(Runtime.getRuntime().availableProcessors() - 1);
    }

    /** The last core of a kernel CPU list: "0-3,8-11" gives "11", "5" gives "5". */
    static String lastCoreOf(String cpuList) {
        String last = cpuList.trim().substring(cpuList.trim().lastIndexOf(',') + 1);
        return last.substring(last.lastIndexOf('-') + 1);
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, command))) return true;
        }
        return false;
    }

    private void printRow(String label, PairedRuns p) {
        printRow(label, p, null);
    }

    /** {@code verdict}: what the goal column says, or null to judge the ratio against the goal. */
    private void printRow(String label, PairedRuns p, String verdict) {
        if (p.isEmpty()) {
            md.println("| " + label + " | failed | | | | not measured |");
            return;
        }
        double r = p.ratios().median();
        StringBuilder each = new StringBuilder();
        for (double x : p.ratios().values()) each.append(each.length() == 0 ? "" : ", ").append(Format.num(x, 3));
        double lo = p.ratios().min();
        double hi = p.ratios().max();
        String noisy = hi - lo > NOISY_SPAN ? String.format(Locale.ROOT, " (but the pairs span %.2f to %.2f: too "
                + "noisy here to judge a 2 %% goal)", lo, hi) : "";
        md.printf(Locale.ROOT, "| %s | %s %s | %s %s | %s | %s | %s%s |%n", label,
                Format.num(p.without().median(), 3), p.unit(), Format.num(p.with().median(), 3), p.unit(),
                Format.num(r, 3) + "x", each, verdict != null ? verdict : r <= GOAL ? "met" : "missed",
                verdict != null ? "" : noisy);
    }
}
