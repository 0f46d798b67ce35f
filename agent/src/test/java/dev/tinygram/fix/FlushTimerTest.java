package dev.tinygram.fix;

import static org.junit.jupiter.api.Assertions.*;

import dev.tinygram.fix.CoalesceStats.Cause;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The flush timer: bytes that waited maxDelay are sent. Waits are polled with wide margins. */
class FlushTimerTest {
    private static final int BOUND = 1000;
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Object socket = new Object();
    private final Recorder recorder = new Recorder();
    private final CoalesceStats stats = new CoalesceStats();

    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        return Eventually.within(PATIENCE_NANOS, condition);
    }

    @Test
    void bytesThatWaitedMaxDelayAreSent() throws InterruptedException {
        Coalescer c = new Coalescer(BOUND, TimeUnit.MILLISECONDS.toNanos(2), recorder,
                new FlushTimer(TimeUnit.MILLISECONDS.toNanos(2)), new SendThreads(), stats, System::nanoTime);
        CoalescerCalls.write(c, socket, ByteBuffer.wrap(new byte[] {1, 2, 3}));
        CoalescerCalls.write(c, socket, ByteBuffer.wrap(new byte[] {4, 5}));
        assertTrue(eventually(() -> recorder.size() == 5), "the timer sends the buffer after maxDelay");
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, recorder.bytes());
        assertEquals(1, recorder.calls().size(), "as one send");
        assertTrue(eventually(() -> stats.flushes(Cause.DELAY) == 1),
                "counted as a timed send (by the send thread, after the bytes)");
        assertEquals(0, c.buffered());
    }

    @Test
    void timerDoesNotSendBeforeMaxDelay() throws InterruptedException {
        AtomicLong clock = new AtomicLong(0);
        Coalescer c = new Coalescer(BOUND, 1000, recorder, new FlushTimer(TimeUnit.MILLISECONDS.toNanos(2)), new SendThreads(), stats, clock::get);
        CoalescerCalls.write(c, socket, ByteBuffer.wrap(new byte[] {1}));
        clock.set(999);
        Thread.sleep(100);
        assertEquals(0, recorder.attempts(), "1 ns before the deadline nothing is sent");
        clock.set(1000);
        assertTrue(eventually(() -> recorder.size() == 1), "at the deadline the byte is sent");
        assertTrue(eventually(() -> stats.flushes(Cause.DELAY) == 1),
                "counted as a timed send (by the send thread, after the bytes)");
    }

    @Test
    void earlierDeadlineDoesNotSendLaterBytesEarly() throws InterruptedException {
        AtomicLong clock = new AtomicLong(0);
        Coalescer c = new Coalescer(BOUND, 1000, recorder, new FlushTimer(TimeUnit.MILLISECONDS.toNanos(2)), new SendThreads(), stats, clock::get);
        CoalescerCalls.write(c, socket, ByteBuffer.wrap(new byte[] {1}));      // deadline 1000
        CoalescerCalls.flush(c, socket, Cause.READ);                           // sent before its deadline
        clock.set(900);
        CoalescerCalls.write(c, socket, ByteBuffer.wrap(new byte[] {2}));      // its own deadline is 1900
        clock.set(1000);                                       // the first deadline passes
        Thread.sleep(100);
        assertEquals(1, recorder.calls().size(), "the stale deadline leaves the new bytes alone");
        assertEquals(1, c.buffered());
        clock.set(1900);
        assertTrue(eventually(() -> recorder.size() == 2), "the new bytes go at their own deadline");
        assertArrayEquals(new byte[] {1, 2}, recorder.bytes());
        assertTrue(eventually(() -> stats.flushes(Cause.DELAY) == 1),
                "counted as a timed send (by the send thread, after the bytes)");
    }

    @Test
    void failedTimedSendIsThrownByTheNextOperation() throws InterruptedException {
        AtomicLong clock = new AtomicLong(0);
        Coalescer c = new Coalescer(BOUND, 1000, recorder, new FlushTimer(TimeUnit.MILLISECONDS.toNanos(2)), new SendThreads(), stats, clock::get);
        IOException broken = new IOException("reset");
        CoalescerCalls.write(c, socket, ByteBuffer.wrap(new byte[] {1}));
        recorder.failWith(broken);
        clock.set(1000);
        assertTrue(eventually(() -> recorder.attempts() == 1), "the timer tried to send");
        assertSame(broken, CoalescerCalls.write(c, socket, ByteBuffer.wrap(new byte[] {2})),
                "nobody was told yet: the next write throws it");
        assertEquals(0, stats.flushes(Cause.DELAY));
    }

    @Test
    void closeReportsAFailureNobodyWasToldOf() throws InterruptedException {
        AtomicLong clock = new AtomicLong(0);
        Coalescer c = new Coalescer(BOUND, 1000, recorder, new FlushTimer(TimeUnit.MILLISECONDS.toNanos(2)), new SendThreads(), stats, clock::get);
        IOException broken = new IOException("reset");
        CoalescerCalls.write(c, socket, ByteBuffer.wrap(new byte[] {1}));
        recorder.failWith(broken);
        clock.set(1000);
        assertTrue(eventually(() -> recorder.attempts() == 1), "the timer tried to send");
        assertSame(broken, CoalescerCalls.flush(c, socket, Cause.CLOSE), "bytes the app believed written were lost: close says so");
        assertNull(CoalescerCalls.flush(c, socket, Cause.CLOSE), "once told, a further close is quiet");
    }

    /** A new maxDelay or a detach stops a timer; bytes it still watches are sent first, not stranded. */
    @Test
    void aStoppedTimerSendsWhatItWatchesThenEnds() throws InterruptedException {
        FlushTimer timer = new FlushTimer(TimeUnit.MILLISECONDS.toNanos(50));
        Coalescer c = new Coalescer(BOUND, TimeUnit.MILLISECONDS.toNanos(50), recorder, timer, new SendThreads(),
                stats, System::nanoTime);
        CoalescerCalls.write(c, socket, ByteBuffer.wrap(new byte[] {1, 2, 3}));
        timer.stop();
        assertTrue(eventually(() -> recorder.size() == 3), "still sent, after maxDelay");
        assertTrue(eventually(() -> !timer.running()), "then the thread ends");
    }

    @Test
    void aStoppedTimerWithNothingToWatchEndsAtOnce() throws InterruptedException {
        FlushTimer timer = new FlushTimer(TimeUnit.MILLISECONDS.toNanos(50));
        assertTrue(timer.running());
        timer.stop();
        assertTrue(eventually(() -> !timer.running()));
    }
}
