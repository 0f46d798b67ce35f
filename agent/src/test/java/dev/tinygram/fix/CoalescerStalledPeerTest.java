package dev.tinygram.fix;

import static org.junit.jupiter.api.Assertions.*;

import dev.tinygram.fix.CoalesceStats.Cause;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A peer that stops reading blocks a send. Only the thread that wrote the bytes may wait behind it, as it would
 * in its own write without tinygram: a reader on another thread, the flush timer, another connection and a close
 * from another thread must not. Margins are wide: "does not wait" means well under a second against forever.
 */
class CoalescerStalledPeerTest {
    private static final int BOUND = 100;
    private static final long NEVER = TimeUnit.HOURS.toNanos(1);
    private static final long SECONDS_3 = TimeUnit.SECONDS.toNanos(3);

    private final Object socket = new Object();
    private final StallablePeer peer = new StallablePeer();
    private final SendThreads senders = new SendThreads();
    private final ExecutorService app = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() {
        peer.readAgain();
        app.shutdownNow();
    }

    private Coalescer coalescer(SocketWriter writer, long maxDelayNanos) {
        return new Coalescer(BOUND, maxDelayNanos, writer, new FlushTimer(TimeUnit.MILLISECONDS.toNanos(2)), senders,
                new CoalesceStats(), System::nanoTime);
    }

    private static byte[] bytes(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) b[i] = (byte) (seed + i);
        return b;
    }

    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        return Eventually.within(SECONDS_3, condition);
    }

    /** Runs {@code work} on a thread of its own (never the writer's), so that a wrong wait fails rather than hangs. */
    private static <T> T onAnotherThread(java.util.concurrent.Callable<T> work, long millis) throws Exception {
        java.util.concurrent.FutureTask<T> task = new java.util.concurrent.FutureTask<>(work);
        Thread t = new Thread(task, "other-thread");
        t.setDaemon(true);
        t.start();
        return task.get(millis, TimeUnit.MILLISECONDS);
    }

    /** A writer on an app thread whose write fills the buffer, so it sends, and blocks on the stalled peer. */
    private Future<Object> writerBlockedInItsSend(Coalescer c) throws Exception {
        app.submit(() -> CoalescerCalls.write(c, socket, ByteBuffer.wrap(bytes(60, 1)))).get();
        peer.stall();
        Future<Object> w = app.submit(() -> CoalescerCalls.write(c, socket, ByteBuffer.wrap(bytes(60, 2))));
        assertTrue(eventually(() -> peer.blockedWrites() == 1), "the writer's send blocks on the peer");
        return w;
    }

    @Test
    void readerOnAnotherThreadDoesNotWaitBehindABlockedSend() throws Exception {
        Coalescer c = coalescer(peer, NEVER);
        Future<Object> writer = writerBlockedInItsSend(c);
        assertNull(onAnotherThread(() -> CoalescerCalls.flush(c, socket, Cause.READ), 500), "the read goes ahead at once");
        peer.readAgain();
        assertEquals(Boolean.TRUE, writer.get(3, TimeUnit.SECONDS), "the writer's own bytes were then buffered");
    }

    @Test
    void readerOnAnotherThreadHandsOtherThreadsBytesToASendThread() throws Exception {
        Coalescer c = coalescer(peer, NEVER);
        byte[] a = bytes(30, 1);
        app.submit(() -> CoalescerCalls.write(c, socket, ByteBuffer.wrap(a))).get();
        peer.stall();
        assertNull(onAnotherThread(() -> CoalescerCalls.flush(c, socket, Cause.READ), 500),
                "a reader that did not write the bytes never blocks on the peer (it could deadlock the app)");
        assertTrue(eventually(() -> peer.blockedWrites() == 1), "a send thread sends them");
        peer.readAgain();
        assertTrue(eventually(() -> peer.received().length == a.length));
        assertArrayEquals(a, peer.received());
    }

    @Test
    void theWriterOfTheBytesSendsThemItselfBeforeItsRead() {
        Recorder recorder = new Recorder();
        Coalescer c = coalescer(recorder, NEVER);
        CoalescerCalls.write(c, socket, ByteBuffer.wrap(bytes(30, 1)));
        assertNull(CoalescerCalls.flush(c, socket, Cause.READ));
        assertEquals(30, recorder.size(), "sent before flush returned, with no thread hop");
    }

    @Test
    void aWriteAfterAReaderHandedOffWaitsForThatSendSoOrderHolds() throws Exception {
        Coalescer c = coalescer(peer, NEVER);
        byte[] a = bytes(30, 1), b = bytes(30, 40);
        app.submit(() -> CoalescerCalls.write(c, socket, ByteBuffer.wrap(a))).get();
        peer.stall();
        onAnotherThread(() -> CoalescerCalls.flush(c, socket, Cause.READ), 500);   // handed off, blocked on the peer
        assertTrue(eventually(() -> peer.blockedWrites() == 1));
        Future<Object> next = app.submit(() -> CoalescerCalls.write(c, socket, ByteBuffer.wrap(b)));
        Thread.sleep(50);
        assertFalse(next.isDone(), "a write waits while the send before it is under way, as a JDK write would");
        peer.readAgain();
        assertEquals(Boolean.TRUE, next.get(3, TimeUnit.SECONDS));
        CoalescerCalls.flush(c, socket, Cause.FLUSH);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(a);
        expected.writeBytes(b);
        assertArrayEquals(expected.toByteArray(), peer.received());
    }

    @Test
    void closeFromAnotherThreadReturnsWhileAWriterIsBlockedAndTheWriterGetsTheError() throws Exception {
        Coalescer c = coalescer(peer, NEVER);
        Future<Object> writer = writerBlockedInItsSend(c);
        long t0 = System.nanoTime();
        CompletableFuture<IOException> close = CompletableFuture.supplyAsync(() -> CoalescerCalls.flush(c, socket, Cause.CLOSE));
        IOException closeResult = close.get(3, TimeUnit.SECONDS);
        assertNull(closeResult);
        assertTrue(System.nanoTime() - t0 < SECONDS_3, "close() returns, after at most its bounded wait");
        peer.close();   // the JDK's close, which the coalescer let go ahead
        assertInstanceOf(SocketException.class, writer.get(3, TimeUnit.SECONDS),
                "the blocked writer gets the IOException the JDK gave its send");
    }

    @Test
    void closeFromAnotherThreadSendsBytesBufferedByTheWriter() throws Exception {
        Recorder recorder = new Recorder();
        Coalescer c = coalescer(recorder, NEVER);
        byte[] a = bytes(30, 1);
        app.submit(() -> CoalescerCalls.write(c, socket, ByteBuffer.wrap(a))).get();
        assertNull(CoalescerCalls.flush(c, socket, Cause.CLOSE));
        assertArrayEquals(a, recorder.bytes(), "sent by a send thread before close returned");
    }

    @Test
    void timedFlushOfOneConnectionIsNotHeldUpByAnotherStuckOne() throws Exception {
        Coalescer stuck = coalescer(peer, TimeUnit.MILLISECONDS.toNanos(1));
        Recorder other = new Recorder();
        Coalescer neighbour = coalescer(other, TimeUnit.MILLISECONDS.toNanos(1));
        peer.stall();
        CoalescerCalls.write(stuck, socket, ByteBuffer.wrap(bytes(30, 1)));
        assertTrue(eventually(() -> peer.blockedWrites() == 1), "the timer's send for the first is stuck");
        CoalescerCalls.write(neighbour, new Object(), ByteBuffer.wrap(bytes(20, 2)));
        assertTrue(eventually(() -> other.size() == 20), "the neighbour's bytes still leave on time");
    }

    @Test
    void retireWaitsForAHandedOffSendSoADirectWriteCannotOvertakeIt() throws Exception {
        Coalescer c = coalescer(peer, NEVER);
        byte[] a = bytes(30, 1);
        app.submit(() -> CoalescerCalls.write(c, socket, ByteBuffer.wrap(a))).get();
        peer.stall();
        Future<?> retire = app.submit(() -> c.retire(socket));
        assertTrue(eventually(() -> peer.blockedWrites() == 1), "retire hands the buffer to a send thread");
        Thread.sleep(100);
        assertFalse(retire.isDone(), "and waits for it while the peer is slow");
        peer.readAgain();
        retire.get(3, TimeUnit.SECONDS);
        assertArrayEquals(a, peer.received());
        assertNull(CoalescerCalls.write(c, socket, ByteBuffer.wrap(bytes(5, 9))), "later writes go straight to the JDK");
    }

    @Test
    void failureOfAHandedOffSendReachesTheNextOperation() throws Exception {
        Coalescer c = coalescer(peer, NEVER);
        app.submit(() -> CoalescerCalls.write(c, socket, ByteBuffer.wrap(bytes(30, 1)))).get();
        peer.stall();
        onAnotherThread(() -> CoalescerCalls.flush(c, socket, Cause.READ), 500);
        assertTrue(eventually(() -> peer.blockedWrites() == 1));
        peer.close();
        assertTrue(eventually(() -> peer.blockedWrites() == 0));
        Object next = app.submit(() -> CoalescerCalls.write(c, socket, ByteBuffer.wrap(bytes(5, 2)))).get(3, TimeUnit.SECONDS);
        assertInstanceOf(SocketException.class, next, "the write after the lost bytes throws");
    }

    @Test
    void shutdownOutputWaitsForASlowSendRatherThanCutItOff() throws Exception {
        Coalescer c = coalescer(peer, NEVER);
        byte[] a = bytes(30, 1);
        app.submit(() -> CoalescerCalls.write(c, socket, ByteBuffer.wrap(a))).get();
        peer.stall();
        onAnotherThread(() -> CoalescerCalls.flush(c, socket, Cause.READ), 500);   // handed off, blocked on a peer that pauses
        assertTrue(eventually(() -> peer.blockedWrites() == 1));
        Future<IOException> shutdown = app.submit(() -> CoalescerCalls.flush(c, socket, Cause.SHUTDOWN));
        Thread.sleep(100);
        assertFalse(shutdown.isDone(), "the FIN must not go out while accepted bytes are still on their way");
        peer.readAgain();
        assertNull(shutdown.get(3, TimeUnit.SECONDS));
        assertArrayEquals(a, peer.received());
    }

    @Test
    void closeWaitsBoundedlyForASendThreadsSend() throws Exception {
        Coalescer c = coalescer(peer, NEVER);
        app.submit(() -> CoalescerCalls.write(c, socket, ByteBuffer.wrap(bytes(30, 1)))).get();
        peer.stall();
        onAnotherThread(() -> CoalescerCalls.flush(c, socket, Cause.READ), 500);
        assertTrue(eventually(() -> peer.blockedWrites() == 1));
        long t0 = System.nanoTime();
        assertNull(app.submit(() -> CoalescerCalls.flush(c, socket, Cause.CLOSE)).get(10, TimeUnit.SECONDS));
        long waited = System.nanoTime() - t0;
        assertTrue(waited > Coalescer.CLOSE_WAIT_NANOS / 2, "close gave a slow peer time to take the bytes");
        assertTrue(waited < Coalescer.CLOSE_WAIT_NANOS + SECONDS_3, "but not forever");
    }
}
