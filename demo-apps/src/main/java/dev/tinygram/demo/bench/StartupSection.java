package dev.tinygram.demo.bench;

import dev.tinygram.demo.bench.BenchPlan.StartupPlan;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Section 4: what the agent adds to start-up, (a) as it reports it, (b) as wall time of a whole short process,
 * and (c) as attach and detach to a running JVM (see {@link AttachTimings}).
 */
final class StartupSection implements Section {
    private static final double GOAL_MS = 300;
    /** The agent's own line at log=info, from premain to its hooks in place. */
    private static final Pattern READY = Pattern.compile("ready in (\\d+) ms");
    /** The shortest useful process: one request, no warm-up. */
    private static final List<String> DEMO_ARGS = List.of("--requests", "1", "--warmup", "0", "--quiet");

    private final BenchContext ctx;
    private final StartupPlan plan;
    private final PrintStream md;

    StartupSection(BenchContext ctx) {
        this.ctx = ctx;
        this.plan = ctx.plan.startup();
        this.md = ctx.md;
    }

    @Override
    public void run() throws Exception {
        md.println("## 4. Start-up");
        md.println();
        PairedRuns p = PairedRuns.measure(ctx, "4/5 start-up", "mode=observe,log=info", "interactive", DEMO_ARGS,
                r -> r.wallNanos() / 1e6, plan.pairs());
        Samples ready = readyMillis(p.withRuns());
        double[] added = new double[p.ratios().size()];
        for (int i = 0; i < added.length; i++) added[i] = p.with().get(i) - p.without().get(i);
        Samples diffs = new Samples(added);
        md.printf(Locale.ROOT, "%d interleaved pair(s) of `java -jar tinygram-demos.jar interactive --requests 1` "
                + "without and with `-javaagent:...=mode=observe,log=info`, wall time of the whole process. "
                + "Goal: start-up at most 300 ms.%n%n", plan.pairs());
        md.println("| measure | median | min | max | vs baseline | goal <= 300 ms |");
        md.println("|---|---|---|---|---|---|");
        if (ready.isEmpty()) {
            md.println("| (a) premain to ready, as the agent reports it (\"ready in N ms\") | not measured: no line "
                    + "found | | | | |");
        } else {
            md.printf(Locale.ROOT, "| (a) premain to ready, as the agent reports it (\"ready in N ms\"), %d run(s) | "
                    + "%.0f ms | %.0f ms | %.0f ms | %s the whole run without agent | %s |%n", ready.size(),
                    ready.median(), ready.min(), ready.max(), Format.ratio(ready.median() / p.without().median()),
                    verdict(ready.median()));
        }
        if (p.isEmpty()) {
            md.println("| (b) wall time with vs without agent | failed | | | | |");
        } else {
            md.printf(Locale.ROOT, "| (b) wall time without agent | %.0f ms | %.0f ms | %.0f ms | baseline | |%n",
                    p.without().median(), p.without().min(), p.without().max());
            md.printf(Locale.ROOT, "| (b) wall time with agent | %.0f ms | %.0f ms | %.0f ms | %s (median of pairs) "
                    + "| |%n", p.with().median(), p.with().min(), p.with().max(), Format.ratio(p.ratios().median()));
            md.printf(Locale.ROOT, "| (b) added by the agent (with - without, per pair) | %.0f ms | %.0f ms | %.0f ms "
                    + "| | %s |%n", diffs.median(), diffs.min(), diffs.max(), verdict(diffs.median()));
            printFirstRequest(p.remeasured(r -> r.num("max_ms")));
        }
        new AttachTimings(ctx).run();
        md.println();
    }

    /**
     * The same runs' one request, timed by the demo (its {@code max_ms}): what a faster start may have moved into
     * the application's first requests, where the agent's warm-up thread runs beside them and its classes for a
     * connection load at the first socket.
     */
    private void printFirstRequest(PairedRuns first) {
        if (first.isEmpty()) {
            md.println("| (b) the first request's latency | not measured: no max_ms in the RESULT lines | | | | |");
            return;
        }
        md.printf(Locale.ROOT, "| (b) the first request's latency, its only one, without agent | %.2f ms | %.2f ms | "
                + "%.2f ms | baseline | |%n", first.without().median(), first.without().min(), first.without().max());
        md.printf(Locale.ROOT, "| (b) the same with agent | %.2f ms | %.2f ms | %.2f ms | %s (median of pairs) | |%n",
                first.with().median(), first.with().min(), first.with().max(), Format.ratio(first.ratios().median()));
    }

    /** What the agent said in each run with it. */
    private static Samples readyMillis(List<Children.Run> withAgent) {
        List<Double> ready = new ArrayList<>();
        for (Children.Run r : withAgent) {
            for (String line : r.stderr()) {
                Matcher m = READY.matcher(line);
                if (m.find()) ready.add(Double.parseDouble(m.group(1)));
            }
        }
        return Samples.of(ready);
    }

    private static String verdict(double ms) {
        return ms <= GOAL_MS ? "met" : "missed";
    }
}
