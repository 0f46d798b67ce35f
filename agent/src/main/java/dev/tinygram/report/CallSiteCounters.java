package dev.tinygram.report;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters for one call site, across connections. */
final class CallSiteStats {
    /** Bursts with a held write, then a read. */
    final LongAdder occurrences = new LongAdder();
    /** ... where the core predicted a delayed-ACK stall. */
    final LongAdder predicted = new LongAdder();
    /** ... and the measured wait confirmed it. */
    final LongAdder confirmed = new LongAdder();
    /** ... and tinygram fixed (nodelay or coalesced). */
    final LongAdder avoided = new LongAdder();
    /** Measured waits of the predicted stalls. */
    final LongAdder lostNanos = new LongAdder();
    /** When the log last spoke of this site, and how many it has not spoken of since. */
    final AtomicLong lastLoggedNanos = new AtomicLong(Long.MIN_VALUE);
    final LongAdder unlogged = new LongAdder();
    final LongAdder unloggedLostNanos = new LongAdder();
}
