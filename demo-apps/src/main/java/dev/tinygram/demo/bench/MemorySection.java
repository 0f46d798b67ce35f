package dev.tinygram.demo.bench;

import dev.tinygram.demo.bench.BenchPlan.MemoryPlan;
import dev.tinygram.demo.bench.MemoryResult.Checkpoint;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Section 5: the agent's heap per connection, and whether its state goes away when connections close, from
 * {@link MemoryBench} in two child JVMs, without the agent and with observe.
 */
final class MemorySection implements Section {
    /** A fixed heap and the serial collector, so that "heap in use after GC" means the same in both JVMs. */
    private static final List<String> JVM = List.of("-XX:+UseSerialGC", "-Xms512m", "-Xmx512m");
    /** Growth per connection below this is less than one retained object each: the heap is flat. */
    private static final int FLAT_BYTES_PER_CONNECTION = 16;

    private final BenchContext ctx;
    private final MemoryPlan plan;
    private final PrintStream md;

    MemorySection(BenchContext ctx) {
        this.ctx = ctx;
        this.plan = ctx.plan.memory();
        this.md = ctx.md;
    }

    @Override
    public void run() throws Exception {
        md.println("## 5. Memory");
        md.println();
        List<String> args = List.of("--open", String.valueOf(plan.openConnections()), "--churn",
                String.valueOf(plan.churnConnections()), "--checkpoints", "4", "--quiet");
        md.printf(Locale.ROOT, "`bench-memory` in two child JVMs (%s), without the agent and with `mode=observe`. "
                + "Both ends of each 127.0.0.1 connection are in that JVM, so one connection is two tracked sockets. "
                + "Heap in use after 3 x `System.gc()`. It opens %,d connections with one request and one response "
                + "each and keeps them open; closes them; then opens and closes %,d more, at most 200 open at a time "
                + "(the client closes with SO_LINGER 0, so no TIME_WAIT piles up).%n%n",
                String.join(" ", JVM), plan.openConnections(), plan.churnConnections());
        ctx.progress("5/5 memory: without agent");
        Children.Run wo = ctx.child(JVM, null, MemoryBench.NAME, args);
        ctx.progress("5/5 memory: with agent");
        Children.Run wi = ctx.child(JVM, Mode.OBSERVE.agentArgs(), MemoryBench.NAME, args);
        if (wo.failed() || wi.failed() || wo.result().isEmpty() || wi.result().isEmpty()) {
            ctx.failed();
            md.println("Not measured: bench-memory failed (" + (wo.failed() ? wo.why() : wi.why()) + ").");
            md.println();
            return;
        }
        MemoryResult without = MemoryResult.of(wo);
        MemoryResult with = MemoryResult.of(wi);
        printOpenConnections(without, with);
        printChurn(without, with);
    }

    /** The heap with the plan's connections open, and what each costs with and without the agent. */
    private void printOpenConnections(MemoryResult without, MemoryResult with) {
        int n = plan.openConnections();
        double perWo = without.perConnection(n);
        double perWi = with.perConnection(n);
        double tracked = with.trackedSockets();
        md.println("| | without agent | with agent (observe) | with vs without |");
        md.println("|---|---|---|---|");
        printRow("heap after warm-up (baseline)", without.heapBase(), with.heapBase());
        printRow(String.format(Locale.ROOT, "heap with %,d connections open", n), without.heapOpen(), with.heapOpen());
        md.printf(Locale.ROOT, "| per open connection: (open - baseline) / %,d | %.0f B | %.0f B | %s |%n", n, perWo,
                perWi, Format.ratio(perWi / perWo));
        printRow("heap after closing them", without.heapClosed(), with.heapClosed());
        md.println();
        md.printf(Locale.ROOT, "The agent's own cost: **%.0f B per connection** (with - without), %s%n%n",
                perWi - perWo, tracked > 0 ? String.format(Locale.ROOT, "%.0f B per tracked socket (the agent's "
                        + "MBean counted %,.0f sockets tracked while they opened).", (perWi - perWo) * n / tracked,
                        tracked) : "(the agent's MBean was not readable, so tracked sockets were not counted).");
    }

    /** The heap at each checkpoint of opening and closing: flat if the agent forgets closed connections. */
    private void printChurn(MemoryResult without, MemoryResult with) {
        List<Checkpoint> cpWo = without.checkpoints();
        List<Checkpoint> cpWi = with.checkpoints();
        if (cpWo.isEmpty() || cpWo.size() != cpWi.size()) {
            md.println("Heap checkpoints: not measured.");
            md.println();
            return;
        }
        md.println("| connections opened and closed | heap without agent | heap with agent | with vs without |");
        md.println("|---|---|---|---|");
        for (int i = 0; i < cpWo.size(); i++) {
            printRow(String.format(Locale.ROOT, "%,d", cpWo.get(i).connections()), cpWo.get(i).heapBytes(),
                    cpWi.get(i).heapBytes());
        }
        md.println();
        Checkpoint firstWo = cpWo.get(0);
        Checkpoint lastWo = cpWo.get(cpWo.size() - 1);
        long between = lastWo.connections() - firstWo.connections();
        double growWo = lastWo.heapBytes() - firstWo.heapBytes();
        double growWi = cpWi.get(cpWi.size() - 1).heapBytes() - cpWi.get(0).heapBytes();
        md.printf(Locale.ROOT, "Growth from the first to the last checkpoint (%,d connections): without agent %s "
                + "(%.2f B/connection), with agent %s (%.2f B/connection). Verdict: %s (flat means under 16 B per "
                + "connection, less than one retained object each).%n", between, Format.bytes(growWo),
                growWo / between, Format.bytes(growWi), growWi / between,
                growWi / between < FLAT_BYTES_PER_CONNECTION ? "**flat**, the agent releases its state"
                        : "**grows**, state is retained");
        md.printf(Locale.ROOT, "Opening and closing took %s s without and %s s with the agent (%s); the agent "
                + "counted %s sockets still open at the end.%n%n", without.churnSeconds(), with.churnSeconds(),
                Format.ratio(with.churnSecondsValue() / without.churnSecondsValue()), with.agentOpenAfter());
    }

    private void printRow(String label, double without, double with) {
        md.println("| " + label + " | " + Format.bytes(without) + " | " + Format.bytes(with) + " | "
                + Format.ratio(with / without) + " |");
    }
}
