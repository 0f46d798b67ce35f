package dev.tinygram.fix;

import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/** What coalescing did, for the summary (and later JMX). */
public final class CoalesceStats {
    /** Why a buffer was sent. */
    public enum Cause { READ, FULL, FLUSH, CLOSE, SHUTDOWN, DELAY, LARGE_WRITE }

    final LongAdder writesBuffered = new LongAdder();
    /** Gaps between consecutive writes into one buffer, in power-of-two nanosecond buckets. */
    private final LongAdder[] gaps = new LongAdder[64];
    final LongAdder bytesBuffered = new LongAdder();
    private final LongAdder[] flushes = new LongAdder[Cause.values().length];

    public CoalesceStats() {
        for (int i = 0; i < flushes.length; i++) flushes[i] = new LongAdder();
        for (int i = 0; i < gaps.length; i++) gaps[i] = new LongAdder();
    }

    /** A write joined a non-empty buffer {@code gapNanos} after the previous one: what maxDelay must cover. */
    void writeGap(long gapNanos) {
        gaps[63 - Long.numberOfLeadingZeros(Math.max(1, gapNanos))].increment();
    }

    /** The gap below which {@code quantile} of the recorded gaps fall (upper bucket edge), or -1 with none. */
    public long gapQuantileNanos(double quantile) {
        long total = 0;
        for (LongAdder g : gaps) total += g.sum();
        if (total == 0) return -1;
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < gaps.length; i++) {
            seen += gaps[i].sum();
            if (seen >= rank) return 2L << i;
        }
        return Long.MAX_VALUE;
    }

    void flushed(Cause cause) {
        flushes[cause.ordinal()].increment();
    }

    public long flushes(Cause cause) {
        return flushes[cause.ordinal()].sum();
    }

    public long writesBuffered() {
        return writesBuffered.sum();
    }

    public long bytesBuffered() {
        return bytesBuffered.sum();
    }

    private static long micros(long nanos) {
        return Math.max(1, (nanos + 999) / 1000);
    }

    public String describe() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "coalesced %d writes (%d B) into sends on:",
                writesBuffered.sum(), bytesBuffered.sum()));
        for (Cause c : Cause.values()) b.append(' ').append(c.name().toLowerCase(Locale.ROOT)).append('=').append(flushes(c));
        if (gapQuantileNanos(0.5) >= 0) {
            b.append(String.format(Locale.ROOT, "; gaps between writes of one burst: p50 < %d us, p99 < %d us, "
                    + "max < %d us", micros(gapQuantileNanos(0.5)), micros(gapQuantileNanos(0.99)),
                    micros(gapQuantileNanos(1.0))));
        }
        return b.toString();
    }
}
