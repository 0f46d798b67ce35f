package dev.tinygram.core;

import static dev.tinygram.core.Models.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The mirror case: our delayed ACK holds the rest of a peer's request. One test per rule of {@link InboundModel}. */
class InboundModelTest {
    private static final long RTT = ms(0.05);

    /** A request answered, so that this side is interactive (it wrote within its delayed-ACK time). */
    private static InboundModel interactive() {
        InboundModel m = new InboundModel(Profile.LINUX, LOOPBACK_MSS, true);
        m.onReadStart(0, RTT);
        m.onReadEnd(ms(1), 20, RTT);
        m.onOwnWrite(ms(1.1));
        assertTrue(m.interactive());
        return m;
    }

    @Test
    void aReadAfterASmallPieceWaitsForOurDelayedAck() {
        InboundModel m = interactive();
        m.onReadStart(ms(10), RTT);
        assertNull(m.onReadEnd(ms(10.1), 16, RTT), "the first piece: nothing predicted");
        InboundModel.InboundPrediction p = m.onReadStart(ms(10.2), RTT);
        assertNotNull(p, "the rest waits for our ACK");
        assertEquals(40, (p.expectedNanos() + ms(0.1)) / 1e6, 0.1, "our 40 ms timer from the piece, plus the RTT");
        InboundModel.InboundOutcome o = m.onReadEnd(ms(51), 100, RTT);
        assertTrue(o.confirmed());
        assertArrayEquals(new long[] {16, 100}, o.pieces());
    }

    @Test
    void aNewConnectionQuickAcksAtFirst() {
        InboundModel m = new InboundModel(Profile.LINUX, LOOPBACK_MSS, true);
        m.onReadEnd(ms(1), 16, RTT);
        assertNull(m.onReadStart(ms(1.1), RTT), "not interactive yet: our ACK goes at once");
    }

    @Test
    void weTurnInteractiveByAnsweringWithinOurDelayedAckTime() {
        InboundModel quick = new InboundModel(Profile.LINUX, LOOPBACK_MSS, true);
        quick.onReadEnd(ms(1), 20, RTT);
        quick.onOwnWrite(ms(2));
        assertTrue(quick.interactive());
        InboundModel slow = new InboundModel(Profile.LINUX, LOOPBACK_MSS, true);
        slow.onReadEnd(ms(1), 20, RTT);
        slow.onOwnWrite(ms(60));
        assertFalse(slow.interactive(), "an answer after our timer fired does not make us interactive");
    }

    @Test
    void weLeaveInteractiveModeWhenOurTimerFires() {
        InboundModel m = interactive();
        m.onReadEnd(ms(10), 16, RTT);
        m.onReadStart(ms(10.1), RTT);
        m.onReadEnd(ms(51), 100, RTT);
        assertFalse(m.interactive(), "our delayed ACK fired with nothing to ride on");
        assertNull(m.onReadStart(ms(51.1), RTT), "out of pingpong, a small piece is ACKed as it is read");
    }

    /** The agent's way through (no prediction object, an outcome only when confirmed) ends where the full one does. */
    @Test
    void theAllocationFreeCallsAgreeWithTheFullOnes() {
        int confirmed = 0;
        for (double gapMs : new double[] {0.2, 5, 33, 41, 100}) {
            InboundModel full = interactive();
            InboundModel lean = interactive();
            full.onReadEnd(ms(10), 16, RTT);
            lean.onReadEndConfirmed(ms(10), 16, RTT);
            InboundModel.InboundPrediction p = full.onReadStart(ms(10.1), RTT);
            lean.onReadStarted(ms(10.1), RTT);
            InboundModel.InboundOutcome o = full.onReadEnd(ms(10 + gapMs), 100, RTT);
            InboundModel.InboundOutcome q = lean.onReadEndConfirmed(ms(10 + gapMs), 100, RTT);
            if (o.confirmed()) {
                confirmed++;
                assertNotNull(q, gapMs + " ms");
                assertTrue(q.confirmed());
                assertEquals(p, q.prediction());
                assertArrayEquals(o.pieces(), q.pieces());
                assertEquals(o.waitNanos(), q.waitNanos());
            } else {
                assertNull(q, "nothing for a read that confirms nothing: " + gapMs + " ms");
            }
            assertEquals(full.interactive(), lean.interactive(), gapMs + " ms");
            assertEquals(full.readStartMayPredict(), lean.readStartMayPredict(), gapMs + " ms");
        }
        assertEquals(1, confirmed, "only the wait of our 40 ms timer confirms");
    }

    @Test
    void aSlowPeerIsNotConfirmed() {
        for (double gapMs : new double[] {5, 33, 100, 300}) {
            InboundModel m = interactive();
            m.onReadEnd(ms(10), 16, RTT);
            assertNotNull(m.onReadStart(ms(10.1), RTT));
            InboundModel.InboundOutcome o = m.onReadEnd(ms(10 + gapMs), 100, RTT);
            assertFalse(o.confirmed(), "a rest " + gapMs + " ms later is the peer's doing: " + o.waitNanos());
        }
    }

    @Test
    void aFullSizedPieceIsNoStart() {
        InboundModel m = interactive();
        m.onReadEnd(ms(10), LOOPBACK_MSS, RTT);
        assertNull(m.onReadStart(ms(10.1), RTT), "a sender's Nagle never holds behind a full segment");
    }

    @Test
    void ourWriteEndsTheRequest() {
        InboundModel m = interactive();
        m.onReadEnd(ms(10), 16, RTT);
        m.onOwnWrite(ms(10.5));
        assertNull(m.onReadStart(ms(10.6), RTT), "we answered: what comes next is a new request");
    }

    @Test
    void theWaitAlreadyPastTheTimerPredictsNothing() {
        InboundModel m = interactive();
        m.onReadEnd(ms(10), 16, RTT);
        assertNull(m.onReadStart(ms(60), RTT), "our ACK left at 50 ms; the rest is the peer's");
    }
}
