package dev.tinygram.fix;

import dev.tinygram.core.Burst;
import dev.tinygram.core.CoalescingRule;
import java.util.function.LongSupplier;

/**
 * One SocketChannel's coalescing on JDK 22+: the kernel holds a burst's small writes (TCP_CORK, with TCP_NODELAY
 * on), and tinygram says when to let them go. The bytes are in the kernel from the moment the write returns, so a
 * non-blocking write's count stays true, and nothing can be lost or reordered: only the moment the last partial
 * segment leaves changes. The same rule as a Socket's coalescer decides ({@link CoalescingRule}).
 *
 * <pre>
 * event                                         | what the cork does
 * ----------------------------------------------+----------------------------------------------------------
 * a write the rule would buffer                 | cork, if not corked; the kernel sends full segments only
 * a write the rule sends through                | uncork first (what was held leaves), then the write goes
 * a read starts, or a select on its selector    | uncork: the application waits for an answer
 * maxDelay since it corked                      | uncork (the flush timer)
 * shutdownOutput, close                         | uncork, and never again
 * mode change, detach                           | uncork, and dropped
 * </pre>
 *
 * <p>Every change is made under this object's lock, and none after {@link #ended}: a close's descriptor may be
 * reused by another connection at once, so the timer must never set an option on it afterwards.
 */
public final class ChannelCork implements Flushable {
    private final Corks corks;
    private final int bound;
    private final long maxDelayNanos;
    private final FlushTimer timer;
    private final CoalesceStats stats;
    private final LongSupplier clock;

    private boolean corked;
    private long corkedAt;
    private long lastWriteAt;
    private long corkedBytes;
    private boolean ended;

    public ChannelCork(Corks corks, int bound, long maxDelayNanos, FlushTimer timer, CoalesceStats stats,
                       LongSupplier clock) {
        this.corks = corks;
        this.bound = bound;
        this.maxDelayNanos = maxDelayNanos;
        this.timer = timer;
        this.stats = stats;
        this.clock = clock;
    }

    /** A write of {@code bytes} is about to go to the kernel; {@code burst} as this write makes it. */
    public synchronized void writing(Object channel, long bytes, Burst burst) {
        CoalescingRule.Decision decision = CoalescingRule.onWrite(burst, ended, corkedBytes, bytes, bound);
        if (decision.writesThrough()) {
            uncork(channel, Coalescer.causeOf(decision));
            return;
        }
        long now = clock.getAsLong();
        if (!corked) {
            if (!corks.set(channel, true)) return;   // no descriptor (closing): the write goes as it is
            corked = true;
            corkedAt = now;
            timer.watch(this, channel);
        } else {
            stats.writeGap(now - lastWriteAt);
        }
        lastWriteAt = now;
        corkedBytes += bytes;
        stats.writesBuffered.increment();
        stats.bytesBuffered.add(bytes);
    }

    /** A read starts, or a select that may be its wait: what the kernel holds leaves now. */
    public synchronized void waiting(Object channel) {
        uncork(channel, CoalesceStats.Cause.READ);
    }

    /** shutdownOutput or close is about to run: what is held leaves first, and nothing is corked again. */
    public synchronized void ending(Object channel, CoalesceStats.Cause cause) {
        uncork(channel, cause);
        ended = true;
    }

    /** Whether the kernel holds this channel's bytes for tinygram now. */
    public synchronized boolean corked() {
        return corked;
    }

    @Override
    public synchronized boolean flushIfOverdue(Object channel) {
        if (!corked) return true;
        if (!CoalescingRule.overdue(corkedAt, clock.getAsLong(), maxDelayNanos)) return false;
        uncork(channel, CoalesceStats.Cause.DELAY);
        return true;
    }

    @Override
    public synchronized boolean mayHaveBuffered(Object channel) {
        return corked;
    }

    private void uncork(Object channel, CoalesceStats.Cause cause) {
        if (!corked || ended) return;
        corked = false;
        corkedBytes = 0;
        corks.set(channel, false);   // with TCP_NODELAY on, the kernel pushes what it held at once
        stats.flushed(cause);
    }
}
