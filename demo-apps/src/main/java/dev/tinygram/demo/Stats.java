package dev.tinygram.demo;

import java.util.Arrays;
import java.util.Locale;

/** Latency statistics. Percentiles use the nearest-rank method on a sorted array. */
final class Stats {
    private Stats() {
    }

    /** Latency summary; all times in nanoseconds. */
    record Summary(int count, long p50, long p99, long max, double rps) {
    }

    /**
     * Nearest-rank percentile: the smallest value such that at least {@code p} percent of the
     * values are less than or equal to it. {@code sorted} must be sorted ascending and non-empty.
     */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile out of range: " + p);
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    static Summary summarize(long[] latenciesNanos, long elapsedNanos) {
        long[] sorted = latenciesNanos.clone();
        Arrays.sort(sorted);
        double rps = elapsedNanos > 0 ? sorted.length / (elapsedNanos / 1e9) : 0;
        return new Summary(sorted.length, percentile(sorted, 50), percentile(sorted, 99),
                sorted[sorted.length - 1], rps);
    }

    /** Nanoseconds as milliseconds with three decimals: microseconds matter once a stall is gone. */
    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    static String oneDecimal(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String twoDecimals(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
