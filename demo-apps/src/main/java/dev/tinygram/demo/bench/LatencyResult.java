package dev.tinygram.demo.bench;

import java.util.List;

/** A latency cell's figures: medians over its successful runs (one per round). */
record LatencyResult(double p50Ms, double p99Ms, double requestsPerSecond, double dataSegmentsPerRequest) {
    /** The baseline when off failed: every ratio to it is n/a. */
    static final LatencyResult NOT_MEASURED = new LatencyResult(Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /** From the runs' RESULT lines; segments are NaN for a demo without --segments. */
    static LatencyResult medianOf(List<Children.Run> runs) {
        return new LatencyResult(Samples.of(runs, r -> r.num("p50_ms")).median(),
                Samples.of(runs, r -> r.num("p99_ms")).median(), Samples.of(runs, r -> r.num("rps")).median(),
                Samples.of(runs, r -> r.num("data_segs_per_req")).median());
    }

    /** Each figure of this cell divided by the same figure of {@code base}. */
    Ratios over(LatencyResult base) {
        return new Ratios(p50Ms / base.p50Ms, p99Ms / base.p99Ms, requestsPerSecond / base.requestsPerSecond,
                dataSegmentsPerRequest / base.dataSegmentsPerRequest);
    }

    record Ratios(double p50, double p99, double requestsPerSecond, double dataSegments) {
    }
}
