package dev.tinygram.demo.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Interleaved pairs of a demo run without and with the agent, and per pair the measure of each and their ratio
 * (with / without). The order within a pair alternates so that neither side always runs on a warmer machine.
 * Pairs where either run failed are counted as failures and left out.
 */
record PairedRuns(Samples without, Samples with, Samples ratios, List<Children.Run> withRuns,
                  List<Children.Run> withoutRuns, String unit) {

    static PairedRuns measure(BenchContext ctx, String what, String agentArgs, String demo, List<String> args,
                              ToDoubleFunction<Children.Run> measure, int pairs) throws Exception {
        return measure(ctx, what, List.of(), agentArgs, demo, args, measure, pairs);
    }

    /** The same, each child started through {@code launcher} (a command and its arguments, or none). */
    static PairedRuns measure(BenchContext ctx, String what, List<String> launcher, String agentArgs, String demo,
                              List<String> args, ToDoubleFunction<Children.Run> measure, int pairs)
            throws Exception {
        List<String> withoutCmd = launched(launcher, ctx.children.demo(List.of(), null, demo, args));
        List<String> withCmd = launched(launcher, ctx.children.demo(List.of(), agentArgs, demo, args));
        List<Double> wo = new ArrayList<>();
        List<Double> wi = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Children.Run> withRuns = new ArrayList<>();
        List<Children.Run> withoutRuns = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            ctx.progress(what + ": pair " + (i + 1) + "/" + pairs);
            Children.Run a;
            Children.Run b;
            if (i % 2 == 0) {
                a = Children.run(withoutCmd, BenchContext.CHILD_TIMEOUT_S);
                b = Children.run(withCmd, BenchContext.CHILD_TIMEOUT_S);
            } else {
                b = Children.run(withCmd, BenchContext.CHILD_TIMEOUT_S);
                a = Children.run(withoutCmd, BenchContext.CHILD_TIMEOUT_S);
            }
            if (a.failed() || b.failed()) {
                ctx.failed();
                ctx.err.println("bench: " + what + ": a run failed: " + (a.failed() ? a.why() : b.why()));
                continue;
            }
            double x = measure.applyAsDouble(a);
            double y = measure.applyAsDouble(b);
            wo.add(x);
            wi.add(y);
            ratios.add(y / x);
            withRuns.add(b);
            withoutRuns.add(a);
        }
        return new PairedRuns(Samples.of(wo), Samples.of(wi), Samples.of(ratios), withRuns, withoutRuns, "s");
    }

    private static List<String> launched(List<String> launcher, List<String> cmd) {
        List<String> all = new ArrayList<>(launcher);
        all.addAll(cmd);
        return all;
    }

    /**
     * The same runs, by another measure (in ms: CPU time from the RESULT line); pairs where either run lacks it are
     * left out.
     */
    PairedRuns remeasured(ToDoubleFunction<Children.Run> measure) {
        return remeasured(measure, "ms");
    }

    /** The same, in {@code unit}. */
    PairedRuns remeasured(ToDoubleFunction<Children.Run> measure, String unit) {
        List<Double> wo = new ArrayList<>();
        List<Double> wi = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < withRuns.size(); i++) {
            double x = measure.applyAsDouble(withoutRuns.get(i));
            double y = measure.applyAsDouble(withRuns.get(i));
            if (!(x > 0) || !(y > 0)) continue;
            wo.add(x);
            wi.add(y);
            ratios.add(y / x);
        }
        return new PairedRuns(Samples.of(wo), Samples.of(wi), Samples.of(ratios), withRuns, withoutRuns, unit);
    }

    /** The same figures, said to be in {@code unit}: for runs measured by a figure not in seconds. */
    PairedRuns in(String unit) {
        return new PairedRuns(without, with, ratios, withRuns, withoutRuns, unit);
    }

    boolean isEmpty() {
        return ratios.isEmpty();
    }
}
