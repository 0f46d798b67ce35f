package dev.tinygram.observe;

import static org.junit.jupiter.api.Assertions.*;

import dev.tinygram.conn.Api;
import dev.tinygram.conn.Endpoint;
import dev.tinygram.conn.FixAction;
import dev.tinygram.conn.Role;
import dev.tinygram.core.ConnectionModel;
import dev.tinygram.core.Profile;
import dev.tinygram.core.StallPrediction;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * A read whose start can predict nothing leaves the clock unread ({@link Connection#readStart(LongSupplier,
 * long)}): it must cost a clock reading only where the start can matter, and change no finding and no prediction.
 */
class UntimedReadStartTest {
    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;

    /** A clock that counts how often it was read; its time is set by the test. */
    private static final class CountingClock implements LongSupplier {
        long now;
        int readings;

        @Override
        public long getAsLong() {
            readings++;
            return now;
        }
    }

    private static Connection connection(boolean loopback, boolean nodelay, Role role) throws Exception {
        InetAddress host = loopback ? InetAddress.getLoopbackAddress() : InetAddress.getByAddress("peer",
                new byte[] {10, 0, 0, 2});
        Endpoint endpoint = new Endpoint(Api.SOCKET, new InetSocketAddress(host, 5000), new InetSocketAddress(host,
                6000), nodelay);
        ConnectionModel model = new ConnectionModel(new ConnectionModel.Config(Profile.named("linux"),
                loopback ? 65483 : 1448, loopback ? 50 * US : 2 * MS, nodelay, role.seenFromStart()));
        return new Connection(endpoint, role, model, new CallSites(8));
    }

    @Test
    void aRequestResponseWithNodelayReadsNoClockAtItsReadsStart() throws Exception {
        Connection c = connection(true, true, Role.CLIENT);
        CountingClock clock = new CountingClock();
        for (int i = 0; i < 10; i++) {
            long t = i * MS;
            c.write(t, 100, FixAction.NONE);
            c.write(t + 5 * US, 100, FixAction.NONE);
            clock.now = t + 10 * US;
            assertNull(c.readStart(clock, MS), "nothing held: nothing predicted");
            assertNull(c.readEnd(t + 60 * US, 300, FixAction.NONE));
        }
        assertEquals(0, clock.readings, "no read's start could matter");
        assertFalse(c.awaitingAnswer(), "each read ended");
    }

    @Test
    void aHeldWriteMakesTheReadsStartTimedAndPredicted() throws Exception {
        Connection c = connection(true, false, Role.UNKNOWN);
        CountingClock clock = new CountingClock();
        c.write(0, 100, FixAction.NONE);
        c.write(10 * US, 100, FixAction.NONE);
        clock.now = 20 * US;
        StallPrediction p = c.readStart(clock, MS);
        assertEquals(1, clock.readings);
        assertNotNull(p);
        assertTrue(p.stall(), "held behind a delayed ACK: " + p);
        Finding f = c.readEnd(45 * MS, 10, FixAction.NONE);
        assertNotNull(f);
        assertTrue(f.outcome().confirmed(), "timed from its start: " + f.outcome());
    }

    @Test
    void aPieceOfTheRequestMakesTheNextReadsStartTimed() throws Exception {
        Connection c = connection(true, false, Role.UNKNOWN);
        CountingClock clock = new CountingClock();
        clock.now = 0;
        c.readStart(clock, MS);
        assertEquals(0, clock.readings, "nothing read yet: nothing the peer holds");
        assertNull(c.readEnd(10 * US, 100, FixAction.NONE));
        clock.now = 20 * US;
        c.readStart(clock, MS);
        assertEquals(1, clock.readings, "a small piece came: its rest may wait for our delayed ACK");
        Finding f = c.readEnd(41 * MS, 100, FixAction.NONE);
        assertNotNull(f, "the mirror case, found as with a timed start");
        assertTrue(f.outcome().confirmed(), f.outcome().toString());
    }

    @Test
    void writesStillSummedMakeTheReadsStartTimed() throws Exception {
        Connection c = connection(true, true, Role.CLIENT);
        CountingClock clock = new CountingClock();
        for (int i = 0; i < Connection.STREAMING_AFTER; i++) c.write(i * US, 80, FixAction.NONE);
        assertTrue(c.absorbStreamingWrite(80), "a stream: summed past the lock");
        clock.now = 100 * US;
        c.readStart(clock, MS);
        assertEquals(1, clock.readings, "the summed writes are spread up to the read's start, which needs its time");
    }

    /**
     * Random event sequences given to two connections alike, one whose reads start with a clock reading and one
     * whose reads start untimed where they can: the same findings and the same predictions, event for event.
     */
    @Test
    void untimedStartsChangeNoFindingAndNoPrediction() throws Exception {
        SplittableRandom random = new SplittableRandom(20261207);
        int untimed = 0;
        int findings = 0;
        int summed = 0;
        for (int run = 0; run < 400; run++) {
            boolean loopback = random.nextBoolean();
            boolean nodelay = random.nextInt(4) == 0;
            Role role = Role.values()[random.nextInt(Role.values().length)];
            FixAction action = FixAction.values()[random.nextInt(FixAction.values().length)];
            Connection timed = connection(loopback, nodelay, role);
            Connection lazy = connection(loopback, nodelay, role);
            CountingClock clock = new CountingClock();
            // a quarter of the runs are streams: mostly writes, short gaps, so that a burst passes 64 writes and
            // its later writes are summed past the lock (the same on both connections)
            boolean streams = random.nextInt(4) == 0;
            long t = 0;
            for (int event = 0; event < 200; event++) {
                t += streams && random.nextInt(20) != 0 ? 1 + random.nextInt(2_000) : gap(random);
                String at = "run " + run + ", event " + event;
                int kind = streams ? (random.nextInt(150) == 0 ? 4 + random.nextInt(6) : 0) : random.nextInt(10);
                switch (kind) {
                    case 0, 1, 2, 3 -> {
                        long bytes = random.nextInt(5) == 0 ? 1 + random.nextInt(70_000) : 1 + random.nextInt(400);
                        boolean absorbed = timed.absorbStreamingWrite(bytes);
                        assertEquals(absorbed, lazy.absorbStreamingWrite(bytes), at);
                        if (absorbed) {
                            summed++;
                        } else {
                            assertEquals(timed.write(t, bytes, action), lazy.write(t, bytes, action), at);
                        }
                    }
                    case 4, 5, 6 -> {
                        clock.now = t;
                        int before = clock.readings;
                        StallPrediction p = timed.readStart(t, MS);
                        StallPrediction q = lazy.readStart(clock, MS);
                        if (p != null && q == null && clock.readings == before) {
                            untimed++;   // a new wait (the timed side predicted), started without the clock
                            assertFalse(p.held(), at + ": untimed, yet the timed start predicts " + p);
                        } else {
                            assertEquals(p, q, at);
                        }
                    }
                    case 7, 8 -> {
                        long bytes = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(3_000);
                        Finding f = timed.readEnd(t, bytes, action);
                        Finding g = lazy.readEnd(t, bytes, action);
                        assertSameFinding(f, g, at);
                        if (f != null) findings++;
                    }
                    default -> {
                        if (random.nextInt(8) == 0) {
                            timed.shutdownOutput(t);
                            lazy.shutdownOutput(t);
                        } else {
                            boolean on = random.nextBoolean();
                            timed.appNodelay(t, on);
                            lazy.appNodelay(t, on);
                        }
                    }
                }
                assertEquals(timed.awaitingAnswer(), lazy.awaitingAnswer(), at);
                assertEquals(timed.rttNanos(), lazy.rttNanos(), at);
            }
            assertSameFinding(timed.takeUnreportedStall(), lazy.takeUnreportedStall(), "run " + run + " at close");
        }
        assertTrue(untimed > 3_000, "many reads of these sequences start untimed: " + untimed);
        assertTrue(summed > 5_000, "and writes are summed past the lock: " + summed);
        assertTrue(findings > 500, "and they make findings to compare: " + findings);
    }

    /** Gaps from a microsecond to a delayed-ACK timer and more. */
    private static long gap(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> 1 + random.nextInt((int) (20 * US));
            case 1 -> random.nextInt((int) (2 * MS));
            case 2 -> 38 * MS + random.nextInt((int) (8 * MS));
            default -> random.nextInt((int) (200 * MS));
        };
    }

    private static void assertSameFinding(Finding f, Finding g, String at) {
        if (f == null || g == null) {
            assertEquals(f == null, g == null, at + ": " + f + " / " + g);
            return;
        }
        assertEquals(f.kind(), g.kind(), at);
        assertArrayEquals(f.writes(), g.writes(), at + ": " + Arrays.toString(g.writes()));
        assertEquals(f.outcome(), g.outcome(), at);
        assertEquals(f.rttNanos(), g.rttNanos(), at);
        assertEquals(f.mss(), g.mss(), at);
        assertEquals(f.nodelay(), g.nodelay(), at);
    }
}
