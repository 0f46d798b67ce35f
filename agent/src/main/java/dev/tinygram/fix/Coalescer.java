package dev.tinygram.fix;

import dev.tinygram.core.CoalescingRule;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * One socket's user-space Nagle. Small writes are copied into a buffer of at most {@code bound} bytes and sent as
 * one write when the application waits to read, when the next write would fill a segment, on shutdown or close,
 * or after {@code maxDelay}. A write of a whole segment or more sends the buffer and then goes through itself,
 * uncopied.
 *
 * <p>One lock orders everything that reaches the socket through here, so bytes leave in the order they were
 * written and are sent exactly once. A failed send is kept: every later operation on the socket throws it, as
 * the kernel would keep failing, so no write reports success for bytes that cannot be delivered.
 */
public final class Coalescer {
    private final int bound;
    private final long maxDelayNanos;
    private final SocketWriter writer;
    private final FlushTimer timer;
    private final CoalesceStats stats;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();

    private byte[] buffer = new byte[256];
    private int count;
    private long firstBufferedAt;
    private long lastBufferedAt;
    private IOException failure;
    private boolean failureReported;
    private boolean retired;

    public Coalescer(int bound, long maxDelayNanos, SocketWriter writer, FlushTimer timer, CoalesceStats stats,
                     LongSupplier clock) {
        this.bound = bound;
        this.maxDelayNanos = maxDelayNanos;
        this.writer = writer;
        this.timer = timer;
        this.stats = stats;
        this.clock = clock;
    }

    /**
     * The application writes {@code data} (its remaining bytes). Returns {@code Boolean.TRUE} when they are
     * buffered, null when the JDK write should go ahead itself, or the IOException the write must throw.
     */
    public Object write(Object socket, ByteBuffer data) {
        lock.lock();
        try {
            if (failure != null) {
                failureReported = true;
                return failure;
            }
            if (retired) return null;   // the mode changed: writes go straight to the socket again
            int length = data.remaining();
            if (CoalescingRule.passesThrough(length, bound)) {
                IOException e = send(socket, CoalesceStats.Cause.LARGE_WRITE);
                if (e != null) failureReported = true;
                return e;   // null on success: the JDK write goes ahead with the application's own array
            }
            if (CoalescingRule.fillsSegment(count, length, bound)) {
                IOException e = send(socket, CoalesceStats.Cause.FULL);
                if (e != null) {
                    failureReported = true;
                    return e;
                }
            }
            long now = clock.getAsLong();
            if (count == 0) {
                firstBufferedAt = now;
                timer.watch(this, socket);
            } else {
                stats.writeGap(now - lastBufferedAt);
            }
            lastBufferedAt = now;
            if (buffer.length < count + length) {
                byte[] bigger = new byte[Math.min(bound, Math.max(buffer.length * 2, count + length))];
                System.arraycopy(buffer, 0, bigger, 0, count);
                buffer = bigger;
            }
            data.get(buffer, count, length);
            count += length;
            stats.writesBuffered.increment();
            stats.bytesBuffered.add(length);
            return Boolean.TRUE;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends what is buffered, for {@code cause}; returns null or the IOException to throw. A close throws a
     * failure only if the application has not been told of it yet: closing a broken socket is what it should do.
     */
    public IOException flush(Object socket, CoalesceStats.Cause cause) {
        lock.lock();
        try {
            if (failure != null) {
                if (cause == CoalesceStats.Cause.CLOSE && failureReported) return null;
                failureReported = true;
                return failure;
            }
            IOException e = send(socket, cause);
            if (e != null) failureReported = true;
            return e;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The mode changed away from coalescing: sends what is buffered and lets every later write through, so no
     * write racing the change can be left in a buffer nobody flushes. Returns a failure to send, if any (kept
     * for the application too).
     */
    public IOException retire(Object socket) {
        lock.lock();
        try {
            retired = true;
            return failure == null ? send(socket, CoalesceStats.Cause.CLOSE) : null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * From the timer: sends the buffer if its first bytes have waited {@code maxDelay}. Returns whether the
     * buffer is now empty (or the socket failed), so the timer can stop watching it.
     */
    boolean flushIfOverdue(Object socket) {
        if (!lock.tryLock()) return false;   // the application is using the socket: look again next tick
        try {
            if (failure != null || count == 0) return true;
            if (!CoalescingRule.overdue(firstBufferedAt, clock.getAsLong(), maxDelayNanos)) return false;
            send(socket, CoalesceStats.Cause.DELAY);
            return true;
        } finally {
            lock.unlock();
        }
    }

    public int buffered() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    private IOException send(Object socket, CoalesceStats.Cause cause) {
        if (count == 0) return null;
        try {
            writer.write(socket, buffer, 0, count);
            count = 0;
            stats.flushed(cause);
            return null;
        } catch (IOException e) {
            failure = e;
            count = 0;
            return e;
        }
    }
}
