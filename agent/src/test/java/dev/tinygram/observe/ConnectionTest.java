package dev.tinygram.observe;

import static org.junit.jupiter.api.Assertions.*;

import dev.tinygram.app.AppCalls;
import dev.tinygram.conn.Api;
import dev.tinygram.conn.Endpoint;
import dev.tinygram.conn.FixAction;
import dev.tinygram.conn.Role;
import dev.tinygram.core.Burst;
import dev.tinygram.core.ConnectionModel;
import dev.tinygram.core.Profile;
import dev.tinygram.core.StallPrediction;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Observe's view of one connection, driven with made-up times: bursts, predictions, findings, what it is told. */
class ConnectionTest {
    private static final long MS = 1_000_000L;
    private static final int LOOPBACK_MSS = 65483;

    private static Connection connection() {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000);
        InetSocketAddress b = new InetSocketAddress(InetAddress.getLoopbackAddress(), 6000);
        Endpoint endpoint = new Endpoint(Api.SOCKET, a, b, false);
        // an established, interactive connection: its peer delays ACKs
        ConnectionModel model = new ConnectionModel(new ConnectionModel.Config(Profile.named("linux"), LOOPBACK_MSS,
                50_000, false, false));
        return new Connection(endpoint, Role.UNKNOWN, model, new CallSites(8));
    }

    @Test
    void writeWriteReadIsPredictedAndReportedWithTheBurstAndTheWait() {
        Connection c = connection();
        c.write(0, 100, FixAction.NONE);
        c.write(MS / 100, 100, FixAction.NONE);
        StallPrediction p = c.readStart(MS / 50);
        assertNotNull(p);
        assertTrue(p.stall(), "the second write is held behind a delayed ACK: " + p);
        assertNull(c.readStart(MS / 50), "the same wait is predicted once");
        Finding f = c.readEnd(45 * MS, 10, FixAction.NONE);
        assertNotNull(f);
        assertArrayEquals(new long[] {100, 100}, f.writes());
        assertTrue(f.outcome().prediction().stall());
        assertTrue(f.outcome().waitMs() > 40, "the measured wait: " + f.outcome());
        assertTrue(f.outcome().confirmed(), "a wait as long as the delayed ACK confirms it");
        assertEquals(FixAction.NONE, f.action());
        assertFalse(f.nodelay());
        assertEquals(LOOPBACK_MSS, f.mss(), "the segment size the model used");
        assertEquals(50_000, f.rttNanos(), "and the round trip");
        assertFalse(f.stack().isEmpty(), "the held write's stack");
        assertFalse(f.callSite().isEmpty(), "and its call site");
    }

    /**
     * A stream of small writes, then a read: summed after {@value Connection#STREAMING_AFTER} writes, the stream
     * predicts the stall its writes given one by one predict (writes 1 us apart, a 50 us round trip, the peer's
     * ACKs delayed): the sums are spread evenly over the time between two clock readings, which for writes made
     * at an even pace is exact.
     */
    @Test
    void aStreamSummedAfterItsFirstWritesPredictsWhatItsWritesOneByOnePredict() {
        Connection oneByOne = connection();
        Connection summed = connection();
        long t = 0;
        int absorbed = 0;
        for (int i = 0; i < 2_000; i++, t += 1_000) {
            oneByOne.write(t, 80, FixAction.NONE);
            if (summed.absorbStreamingWrite(80)) {
                absorbed++;
            } else {
                summed.write(t, 80, FixAction.NONE);
            }
        }
        assertTrue(absorbed > 1_500, "most of the stream is summed: " + absorbed);
        assertEquals(oneByOne.burst(), summed.burst(), "every write counted");
        StallPrediction expected = oneByOne.readStart(t);
        StallPrediction got = summed.readStart(t);
        assertEquals(expected.held(), got.held(), got.toString());
        assertEquals(expected.stall(), got.stall(), got.toString());
        assertEquals(expected.kind(), got.kind());
        assertEquals(expected.heldBytes(), got.heldBytes(), "the same bytes held");
        assertEquals(expected.blockingSegmentBytes(), got.blockingSegmentBytes(), "behind the same segment");
        assertEquals(expected.expectedNanos(), got.expectedNanos(), "which left at the same time");
        // The writes summed since the last clock reading are spread up to the read's start: the last of them is
        // taken as made one gap later than it was, which is what the stall over writing once counts from.
        assertTrue(Math.abs(expected.stallNanos() - got.stallNanos()) <= 1_000,
                expected.stallNanos() + " one by one, " + got);
    }

    /**
     * Writers summing past the lock on several threads while locked events (a full write, a burst read by the fix
     * layer, an option) close and reopen the stream around them: every write is counted and every byte reaches
     * the model, once.
     */
    @Test
    void writesSummedPastTheLockAreNeverLostOrCountedTwice() throws Exception {
        Connection c = connection();
        for (int i = 0; i < Connection.STREAMING_AFTER; i++) c.write(i * 1_000L, 80, FixAction.NONE);
        int threads = 3;
        int writesEach = 200_000;
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_000_000);
        java.util.concurrent.atomic.AtomicInteger summed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.List<Thread> writers = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int size = 7 + t;   // each thread's own size, so a lost or doubled write shows in the bytes
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < writesEach; i++) {
                    if (c.absorbStreamingWrite(size)) {
                        summed.incrementAndGet();
                    } else {
                        c.write(clock.addAndGet(100), size, FixAction.NONE);
                    }
                    if (i % 1_000 == 0) c.burst();
                    if (i % 50_000 == 0) c.appNodelay(clock.addAndGet(100), false);
                }
            });
            writers.add(w);
            w.start();
        }
        start.countDown();
        for (Thread w : writers) w.join(60_000);
        for (Thread w : writers) assertFalse(w.isAlive(), "a writer did not finish in 60 s");
        assertTrue(summed.get() > 0, "some writes were summed past the lock");
        c.shutdownOutput(clock.addAndGet(100));   // gives the model what is still summed
        int total = Connection.STREAMING_AFTER + threads * writesEach;
        assertEquals(total, c.burst().writes(), "every write counted once");
        long bytes = Connection.STREAMING_AFTER * 80L + (long) writesEach * (7 + 8 + 9);
        assertEquals(bytes, c.bytesGivenToModel(), "every byte given to the model once");
    }

    /**
     * A stream whose writer pauses 30 ms before it reads, and finds the answer waiting 3 us later: the round trip is
     * learnt from the last write the model was given with its time, an upper bound on the path (above its first
     * guess of 20 ms), not from the read's start, which would make it 3 us.
     */
    @Test
    void aPauseBeforeTheReadDoesNotShortenThePath() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, 1}), 5000);
        InetSocketAddress b = new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, 2}), 6000);
        Connection c = new Connection(new Endpoint(Api.SOCKET, a, b, false), Role.CLIENT, new ConnectionModel(
                new ConnectionModel.Config(Profile.named("linux"), 1448, 20 * MS, false, false)), new CallSites(8));
        for (int i = 0; i < Connection.STREAMING_AFTER; i++) c.write(i * 1_000L, 80, FixAction.NONE);
        int summed = 0;
        while (c.absorbStreamingWrite(80)) summed++;
        assertTrue(summed > 0, "a stream: summed past the lock");
        c.readStart(30 * MS);
        c.readEnd(30 * MS + 3_000, 10, FixAction.NONE);
        long lastTimed = (Connection.STREAMING_AFTER - 1) * 1_000L;
        assertEquals(30 * MS + 3_000 - lastTimed, c.rttNanos(), "a bound on the path, from the last timed write");
    }

    @Test
    void nothingIsSummedBeforeAStreamOrWhileAReaderWaits() {
        Connection c = connection();
        for (int i = 0; i < Connection.STREAMING_AFTER; i++) {
            assertFalse(c.absorbStreamingWrite(80), "write " + i + " is not yet a stream's");
            c.write(i * 1_000L, 80, FixAction.NONE);
        }
        assertTrue(c.absorbStreamingWrite(80));
        c.readStart(MS);
        assertFalse(c.absorbStreamingWrite(80), "a reader waits: each write may be the one it waits for");
    }

    @Test
    void oneWriteThenReadIsNoFinding() {
        Connection c = connection();
        c.write(0, 100, FixAction.NONE);
        c.readStart(MS / 100);
        assertNull(c.readEnd(MS / 10, 10, FixAction.NONE));
    }

    @Test
    void aFindingOnAFixedConnectionSaysWhatTinygramDidAndThatNodelayWasOn() {
        Connection c = connection();
        c.write(0, 100, FixAction.COALESCED);
        c.write(MS / 100, 100, FixAction.COALESCED);
        c.readStart(MS / 50);
        Finding f = c.readEnd(MS, 10, FixAction.COALESCED);
        assertNotNull(f, "the model sees the application's own Nagle: the stall it avoided is still reported");
        assertEquals(FixAction.COALESCED, f.action());
        assertTrue(f.nodelay(), "tinygram had TCP_NODELAY on");
    }

    @Test
    void aFixedConnectionReusesItsFirstHeldWriteStack() {
        Connection c = connection();
        Finding first = burst(c, 0, FixAction.NODELAY);
        Finding second = burst(c, 100 * MS, FixAction.NODELAY);
        assertSame(first.stack(), second.stack(), "no stack walk per request while fixed");
        Finding unfixed = burst(c, 200 * MS, FixAction.NONE);
        assertNotSame(first.stack(), unfixed.stack(), "a new walk once tinygram lets go");
    }

    @Test
    void theBurstTellsCoalescingWhoWaitsAndHowManyWritesCame() {
        Connection c = connection();
        c.write(0, 10, FixAction.COALESCED);
        assertEquals(new Burst(false, 1, 0), c.burst());
        c.readStart(MS);
        c.readEnd(2 * MS, 10, FixAction.COALESCED);
        c.write(3 * MS, 10, FixAction.COALESCED);
        assertEquals(new Burst(false, 1, 1), c.burst(), "a lone write after a one-write burst");
        assertTrue(c.awaitingAnswer());
        c.readStart(4 * MS);
        assertFalse(c.awaitingAnswer(), "the wait has started");
        c.write(4 * MS, 10, FixAction.COALESCED);
        assertTrue(c.burst().readerWaiting(), "a reader already waits for this burst's answer");
    }

    @Test
    void theApplicationsNodelayIsWhatTheModelAndTheFindingSee() {
        Connection c = connection();
        c.appNodelay(0, true);
        c.write(0, 100, FixAction.NONE);
        c.write(MS / 100, 100, FixAction.NONE);
        StallPrediction p = c.readStart(MS / 50);
        assertFalse(p != null && p.stall(), "nothing is held with TCP_NODELAY on");
        assertNull(c.readEnd(MS, 10, FixAction.NONE));
    }

    @Test
    void aHoldThatCannotMatterTakesNoStackAndMakesNoFinding() {
        Connection c = connection();
        Finding f = bigBurst(c, 0, 0.1);
        assertNull(f, "held behind a segment the peer ACKs at once, a round trip under minStall: " + f);
    }

    @Test
    void aStallOnlyTheWaitShowedIsNamedByTheNextHeldWriteAndReportedAtALaterRead() {
        Connection c = connection();
        for (int i = 0; i < 3; i++) assertNull(bigBurst(c, i * 10 * MS, 0.1));
        assertNull(bigBurst(c, 40 * MS, 41), "no stack was taken at its writes: it waits to be named");
        Finding named = null;
        for (int i = 0; i < 3 && (named == null || named.outcome().predicted()); i++) {
            named = bigBurst(c, (100 + 10 * i) * MS, 0.1);   // the first one's held write is walked, once
        }
        assertNotNull(named, "reported at a later read");
        assertFalse(named.outcome().predicted(), named.outcome().toString());
        assertTrue(named.outcome().confirmed());
        assertArrayEquals(new long[] {65536, 65536}, named.writes(), "the burst that stalled");
        assertTrue(named.outcome().waitMs() > 40, "its own wait: " + named.outcome());
        assertTrue(named.callSite().startsWith(AppCalls.class.getName() + ".write("), "named by the write: "
                + named.callSite());
        assertNull(c.takeUnreportedStall(), "reported once");
    }

    @Test
    void aStallOnlyTheWaitShowedIsNotLostWhenTheConnectionCloses() {
        Connection c = connection();
        for (int i = 0; i < 3; i++) bigBurst(c, i * 10 * MS, 0.1);
        bigBurst(c, 40 * MS, 41);
        Finding f = c.takeUnreportedStall();
        assertNotNull(f, "for the close");
        assertFalse(f.outcome().predicted());
        assertTrue(f.callSite().startsWith(AppCalls.class.getName() + ".read("), "named by the read that waited: "
                + f.callSite());
    }

    /** Two writes of 65536 B on loopback, and the answer {@code answerMs} later. */
    private static Finding bigBurst(Connection c, long at, double answerMs) {
        AppCalls.write(c, at, 65536);
        AppCalls.write(c, at + MS / 100, 65536);
        c.readStart(at + MS / 50);
        return AppCalls.read(c, at + MS / 100 + (long) (answerMs * MS), 200);
    }

    private static Finding burst(Connection c, long at, FixAction action) {
        c.write(at, 100, action);
        c.write(at + MS / 100, 100, action);
        c.readStart(at + MS / 50);
        Finding f = c.readEnd(at + 45 * MS, 10, action);
        assertNotNull(f);
        return f;
    }
}
