package dev.tinygram.fix;

import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/** What coalescing did, for the summary (and later JMX). */
public final class CoalesceStats {
    /** Why a buffer was sent. */
    public enum Cause { READ, FULL, FLUSH, CLOSE, SHUTDOWN, DELAY, LARGE_WRITE }

    final LongAdder writesBuffered = new LongAdder();
    final LongAdder bytesBuffered = new LongAdder();
    private final LongAdder[] flushes = new LongAdder[Cause.values().length];

    public CoalesceStats() {
        for (int i = 0; i < flushes.length; i++) flushes[i] = new LongAdder();
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

    public String describe() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "coalesced %d writes (%d B) into sends on:",
                writesBuffered.sum(), bytesBuffered.sum()));
        for (Cause c : Cause.values()) b.append(' ').append(c.name().toLowerCase(Locale.ROOT)).append('=').append(flushes(c));
        return b.toString();
    }
}
