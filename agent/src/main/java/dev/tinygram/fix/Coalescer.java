package dev.tinygram.fix;

import dev.tinygram.core.Burst;
import dev.tinygram.core.CoalescingRule;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One socket's user-space Nagle. Small writes are copied into a buffer of at most {@code bound} bytes and sent as
 * one write when the application waits to read, when the next write would fill a segment, on flush, shutdown or
 * close, or after {@code maxDelay}. A write of a whole segment or more sends the buffer and then goes through
 * itself, uncopied.
 *
 * <p><b>Order.</b> One permit guards the buffer and is held across every send, so bytes leave in the order they
 * were written and exactly once. It is a semaphore, not a lock, so that a send can be handed to another thread
 * with the permit still held: nothing can be buffered or sent between the hand-off and the send.
 *
 * <p><b>Who may block.</b> A send blocks when the peer stops reading. Without tinygram the thread that wrote the
 * bytes would block in its write, and only that one, so only an application thread that writes or flushes sends
 * itself: a writer whose write fills the buffer, an explicit flush or shutdownOutput, and a reader or close on the
 * thread that wrote everything buffered. A reader on another thread, or the flush timer, hands the send to
 * {@link SendThreads} and goes on: a reader that blocked on the peer's reading could deadlock an application whose
 * peer waits for it to read first, and one stuck peer must not delay the timer for every other socket.
 *
 * <p><b>Close.</b> A close from another thread never waits behind an application thread blocked in a send: the
 * close goes ahead and that thread gets the error, as a write blocked in the kernel does. It waits at most
 * {@link #CLOSE_WAIT_NANOS} for a send thread's send (bytes whose writes have returned), then goes ahead too.
 *
 * <p><b>Errors.</b> A failed send is kept: every later operation on the socket throws it, as the kernel would
 * keep failing, so no write reports success for bytes that cannot be delivered.
 */
public final class Coalescer implements Flushable {
    /**
     * How long a close waits for bytes whose writes have returned to reach the kernel, when the peer reads slowly
     * or not at all, before it goes ahead anyway (the kernel would keep trying; a closed socket cannot).
     */
    static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final int bound;
    private final long maxDelayNanos;
    private final SocketWriter writer;
    private final FlushTimer timer;
    private final Executor senders;
    private final CoalesceStats stats;
    private final LongSupplier clock;
    private final Semaphore permit = new Semaphore(1);

    // guarded by the permit
    private byte[] buffer = new byte[256];
    private int count;
    private long firstBufferedAt;
    private long lastBufferedAt;
    /** The thread that wrote every byte buffered, or null when several did. */
    private Thread writtenBy;
    private IOException failure;
    private boolean failureReported;

    /** An application thread is in a send: if it blocks on the peer, it is where its own write would be. */
    private volatile boolean writerSending;
    /** Someone found the permit taken and wants the buffer sent: the holder hands it off when it lets go. */
    private volatile boolean flushWanted;
    /** Output is ending (close, shutdownOutput) or the mode changed: nothing more is buffered. */
    private volatile boolean retired;

    public Coalescer(int bound, long maxDelayNanos, SocketWriter writer, FlushTimer timer, Executor senders,
                     CoalesceStats stats, LongSupplier clock) {
        this.bound = bound;
        this.maxDelayNanos = maxDelayNanos;
        this.writer = writer;
        this.timer = timer;
        this.senders = senders;
        this.stats = stats;
        this.clock = clock;
    }

    /** What became of a write. */
    public enum Verdict {
        /** The bytes are in the buffer: the JDK write is skipped. */
        BUFFERED,
        /** The JDK write goes ahead with the application's own array, after what was buffered. */
        WRITE_THROUGH
    }

    /**
     * The application writes {@code bytes[offset, offset+length)}; {@code burst} is its burst with this write.
     * Waits, as the JDK's own write would, while another send is under way. Throws the IOException the write
     * must throw: a send of what was buffered failed, now or before.
     */
    public Verdict write(Object socket, byte[] bytes, int offset, int length, Burst burst) throws IOException {
        permit.acquireUninterruptibly();
        try {
            if (failure != null) throw reported(failure);
            CoalescingRule.Decision decision = CoalescingRule.onWrite(burst, retired, count, length, bound);
            IOException e = send(socket, causeOf(decision));
            if (e != null) throw reported(e);
            if (decision.writesThrough() || retired) return Verdict.WRITE_THROUGH;   // closed while that send blocked
            buffer(socket, bytes, offset, length);
            return Verdict.BUFFERED;
        } finally {
            release(socket);
        }
    }

    /** An explicit flush() of the socket's stream: the caller waits as it would in a write. */
    public IOException explicitFlush(Object socket) {
        return flushNow(socket, CoalesceStats.Cause.FLUSH);
    }

    /** shutdownOutput is about to send the FIN: what is buffered goes first, and nothing is buffered after. */
    public IOException outputShuttingDown(Object socket) {
        retired = true;   // later writes go to the JDK, which refuses them after the FIN
        return flushNow(socket, CoalesceStats.Cause.SHUTDOWN);
    }

    /**
     * A close is about to run: returns the failure the close throws, only if the application has not been told of
     * it yet (closing a broken socket is what it should do).
     */
    public IOException closing(Object socket) {
        return drain(socket, CoalesceStats.Cause.CLOSE);
    }

    static CoalesceStats.Cause causeOf(CoalescingRule.Decision decision) {
        switch (decision) {
            case SEND_FOR_READER:
            case SEND_LONE_WRITE: return CoalesceStats.Cause.READ;
            case SEND_OUTPUT_ENDED: return CoalesceStats.Cause.CLOSE;
            case SEND_LARGE_WRITE: return CoalesceStats.Cause.LARGE_WRITE;
            case SEND_THEN_BUFFER: return CoalesceStats.Cause.FULL;
            default: return null;   // BUFFER: nothing is sent
        }
    }

    /**
     * The mode changed away from coalescing: what is buffered is sent (waiting for it at most
     * {@link #CLOSE_WAIT_NANOS}), and every later write goes straight to the socket. Returns once nothing is left
     * that a write straight to the JDK could overtake.
     */
    public void retire(Object socket) {
        drain(socket, CoalesceStats.Cause.CLOSE);
    }

    /** Output ended (close, shutdownOutput, already flushed): a later write goes to the JDK, which refuses it. */
    public void outputEnded() {
        retired = true;
    }

    /**
     * From the timer: hands the buffer to a send thread if its first bytes have waited {@code maxDelay}. Returns
     * whether the timer can stop watching it (sent, empty or failed).
     */
    @Override
    public boolean flushIfOverdue(Object socket) {
        if (!permit.tryAcquire()) return false;   // the application is using the socket: look again next tick
        if (failure != null || count == 0) {
            release(socket);
            return true;
        }
        if (!CoalescingRule.overdue(firstBufferedAt, clock.getAsLong(), maxDelayNanos)) {
            release(socket);
            return false;
        }
        handOff(socket, CoalesceStats.Cause.DELAY, null);
        return true;
    }

    /** For the timer, after it stopped watching: whether bytes may be buffered (or the permit is busy). */
    @Override
    public boolean mayHaveBuffered(Object socket) {
        if (!permit.tryAcquire()) return true;
        try {
            return count > 0 && failure == null;
        } finally {
            release(socket);
        }
    }

    public int buffered() {
        permit.acquireUninterruptibly();
        try {
            return count;
        } finally {
            permit.release();
        }
    }

    // ---- the causes ------------------------------------------------------------------------------------------

    /**
     * The application is about to wait for data. The thread that wrote what is buffered sends it itself (the
     * usual write-write-read); for any other thread it is handed off, and if the permit is busy, the holder hands
     * it off when done. Never blocks on the peer.
     */
    public IOException beforeRead(Object socket) {
        if (!permit.tryAcquire()) {
            wantFlush(socket);
            return null;
        }
        if (failure != null) {
            IOException e = reported(failure);
            release(socket);
            return e;
        }
        if (count == 0) {
            release(socket);
            return null;
        }
        if (writtenBy == Thread.currentThread()) return sendAndRelease(socket, CoalesceStats.Cause.READ);
        handOff(socket, CoalesceStats.Cause.READ, null);
        return null;
    }

    /** Holding nothing, on an application thread that would wait in its own write: sends, waiting for the permit. */
    private IOException flushNow(Object socket, CoalesceStats.Cause cause) {
        permit.acquireUninterruptibly();
        if (failure != null) {
            IOException e = reported(failure);
            release(socket);
            return e;
        }
        return sendAndRelease(socket, cause);
    }

    /** Holding the permit, on the application's thread: sends the buffer, then lets the permit go. */
    private IOException sendAndRelease(Object socket, CoalesceStats.Cause cause) {
        try {
            return reported(send(socket, cause));
        } finally {
            release(socket);
        }
    }

    /**
     * Close or a mode change: what is buffered goes out first, but never at the price of a close that hangs on a
     * peer that stopped reading, which the close is often meant to give up on. An application thread blocked in a
     * send is where its own write would be without tinygram: the close goes ahead and that thread gets the error,
     * as the JDK's close gives it to a blocked write. A send thread's send, for bytes whose writes have returned,
     * is waited for at most {@link #CLOSE_WAIT_NANOS}. The thread that wrote the bytes sends them itself.
     */
    private IOException drain(Object socket, CoalesceStats.Cause cause) {
        retired = true;   // a write racing this goes straight to the JDK, which accepts or refuses it itself
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        if (!acquireUnlessWriterBlocked(deadline)) return null;   // the close itself ends that send
        if (failure != null) {
            IOException e = cause == CoalesceStats.Cause.CLOSE && failureReported ? null : reported(failure);
            release(socket);
            return e;
        }
        if (count == 0) {
            release(socket);
            return null;
        }
        if (writtenBy == Thread.currentThread()) return sendAndRelease(socket, cause);
        CountDownLatch sent = new CountDownLatch(1);
        handOff(socket, cause, sent);
        if (!awaitBefore(sent, deadline) || !permit.tryAcquire()) return null;   // kept for the next operation
        try {
            return failure != null && !failureReported ? reported(failure) : null;
        } finally {
            release(socket);
        }
    }

    // ---- the buffer and the permit ---------------------------------------------------------------------------

    private void buffer(Object socket, byte[] bytes, int offset, int length) {
        long now = clock.getAsLong();
        Thread current = Thread.currentThread();
        if (count == 0) {
            firstBufferedAt = now;
            writtenBy = current;
            timer.watch(this, socket);
        } else {
            stats.writeGap(now - lastBufferedAt);
            if (writtenBy != current) writtenBy = null;
        }
        lastBufferedAt = now;
        if (buffer.length < count + length) {
            byte[] bigger = new byte[Math.min(bound, Math.max(buffer.length * 2, count + length))];
            System.arraycopy(buffer, 0, bigger, 0, count);
            buffer = bigger;
        }
        System.arraycopy(bytes, offset, buffer, count, length);
        count += length;
        stats.writesBuffered.increment();
        stats.bytesBuffered.add(length);
    }

    /** Holding the permit, on an application thread: writes the buffer to the socket, or keeps why it could not. */
    private IOException send(Object socket, CoalesceStats.Cause cause) {
        if (cause == null) return null;
        if (count == 0) {
            if (flushWanted) flushWanted = false;
            return null;
        }
        writerSending = true;
        try {
            return sendBuffer(socket, cause);
        } finally {
            writerSending = false;
        }
    }

    private IOException sendBuffer(Object socket, CoalesceStats.Cause cause) {
        if (flushWanted) flushWanted = false;   // whatever was wanted goes now
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

    /** Holding the permit, with bytes buffered: a send thread sends them and then lets the permit go. */
    private void handOff(Object socket, CoalesceStats.Cause cause, CountDownLatch sent) {
        Runnable task = () -> {
            try {
                sendBuffer(socket, cause);
            } finally {
                release(socket);
                if (sent != null) sent.countDown();
            }
        };
        try {
            senders.execute(task);
        } catch (RuntimeException | Error e) {
            task.run();   // no thread to be had: send here rather than lose the bytes
        }
    }

    /** Lets the permit go; if someone wanted a flush meanwhile and bytes are buffered, hands that off. */
    private void release(Object socket) {
        permit.release();
        if (flushWanted) wantFlush(socket);
    }

    /**
     * Asks for the buffer to go out without waiting for it. Whoever holds the permit sees the flag as it lets go
     * (it reads it after releasing, and we set it before trying), so a request is never lost between the two.
     */
    private void wantFlush(Object socket) {
        flushWanted = true;
        if (!permit.tryAcquire()) return;
        flushWanted = false;
        if (count > 0 && failure == null) {
            handOff(socket, CoalesceStats.Cause.READ, null);
        } else {
            release(socket);
        }
    }

    private IOException reported(IOException e) {
        if (e != null) failureReported = true;
        return e;
    }

    /** Takes the permit before {@code deadline}, giving up early once the holder is an application thread's send. */
    private boolean acquireUnlessWriterBlocked(long deadline) {
        boolean interrupted = false;
        try {
            while (!permit.tryAcquire()) {
                long left = deadline - System.nanoTime();
                if (writerSending || left <= 0) return false;
                try {
                    if (permit.tryAcquire(Math.min(left, POLL_NANOS), TimeUnit.NANOSECONDS)) return true;
                } catch (InterruptedException e) {
                    interrupted = true;   // the close still happens; the flag is the application's
                }
            }
            return true;
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private static boolean awaitBefore(CountDownLatch latch, long deadline) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return latch.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
