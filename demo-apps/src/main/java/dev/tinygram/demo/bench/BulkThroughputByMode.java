package dev.tinygram.demo.bench;

import dev.tinygram.demo.bench.BenchPlan.LatencyPlan;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Part of section 1: bulk-stream's throughput under each mode, where Nagle helps rather than hurts. */
final class BulkThroughputByMode {
    private final BenchContext ctx;
    private final LatencyPlan plan;
    private final PrintStream md;

    BulkThroughputByMode(BenchContext ctx) {
        this.ctx = ctx;
        this.plan = ctx.plan.latency();
        this.md = ctx.md;
    }

    void run() throws Exception {
        md.printf(Locale.ROOT, "bulk-stream (%,d messages of 64 B, each its own write, one ack at the end; Nagle "
                + "helps here), throughput by mode (%s):%n%n", plan.bulkMessages(), plan.roundsDescription());
        Map<Mode, List<Children.Run>> runs = new LinkedHashMap<>();
        for (int round = 1; round <= plan.rounds(); round++) {
            for (Mode m : Mode.ALL) {
                ctx.progress("1/5 bulk-stream: round " + round + "/" + plan.rounds() + ": " + m.name());
                runs.computeIfAbsent(m, k -> new ArrayList<>()).add(ctx.child(List.of(), m.agentArgs(),
                        "bulk-stream", List.of("--messages", String.valueOf(plan.bulkMessages()), "--quiet")));
            }
        }
        md.println("| mode | MB/s | MB/s vs off |");
        md.println("|---|---|---|");
        double off = Double.NaN;
        for (Map.Entry<Mode, List<Children.Run>> e : runs.entrySet()) {
            List<Children.Run> ok = ctx.succeeded(e.getValue());
            if (ok.isEmpty()) {
                md.println("| " + e.getKey().name() + " | failed: " + e.getValue().get(0).why() + " | |");
                continue;
            }
            double mbPerS = Samples.of(ok, r -> r.num("mb_per_s")).median();
            if (e.getKey().equals(Mode.OFF)) off = mbPerS;
            md.println("| " + e.getKey().name() + " | " + Format.num(mbPerS, 2) + " | " + Format.ratio(mbPerS / off)
                    + " |");
        }
        md.println();
    }
}
