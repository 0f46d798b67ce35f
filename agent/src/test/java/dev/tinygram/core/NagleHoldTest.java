package dev.tinygram.core;

import static dev.tinygram.core.Models.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * A Nagle hold: the tail of a request waits about one round trip for the ACK of a partial segment the peer ACKs
 * without delay. It costs a round trip, which on loopback is nothing and on a 20 ms path doubles a request.
 */
class NagleHoldTest {
    private static final int MSS = 1448;

    /** The kernel's working MSS, once it says, is what makes a segment full: a write of it is not held. */
    @Test
    void theKernelsMssDecidesWhatIsAFullSegmentFromItsWordOn() {
        ConnectionModel guessed = established(Profile.LINUX, Models.LOOPBACK_MSS, 0.05);
        guessed.onWrite(0, 100);
        assertEquals(32_768, guessed.onWrite(ms(0.001), 32_768).bytesHeld(),
                "below 65483 B: a partial segment, held behind the first write");
        ConnectionModel told = established(Profile.LINUX, Models.LOOPBACK_MSS, 0.05);
        told.onKernelMss(32_768);
        told.onWrite(0, 100);
        assertEquals(0, told.onWrite(ms(0.001), 32_768).bytesHeld(), "a full segment of the kernel's MSS leaves");
        assertEquals(32_768, told.mss());
        told.onKernelMss(0);
        assertEquals(32_768, told.mss(), "a kernel that says nothing changes nothing");
    }

    @Test
    void twoLargeWritesHoldTheSecondTailForOneRoundTrip() {
        // 3000 = 1448 + 1448 + 104; the second write's 104 B tail waits behind the first's, which the peer ACKs at
        // once: the second write's full segments make more than one rcv_mss unacknowledged.
        ConnectionModel c = connected(Profile.LINUX, MSS, 20, false);
        c.onWrite(0, 3000);
        c.onWrite(ms(0.01), 3000);
        StallPrediction p = c.onReadStart(ms(0.02));
        assertEquals(HoldKind.NAGLE_HOLD, p.kind(), p::toString);
        assertEquals(104, p.heldBytes());
        assertEquals(20, p.stallMs(), 0.1, "one round trip over writing once");
    }

    @Test
    void itIsConfirmedByAWaitOfTwoRoundTripsAndNotByOne() {
        ConnectionModel held = connected(Profile.LINUX, MSS, 20, false);
        held.onWrite(0, 3000);
        held.onWrite(0, 3000);
        held.onReadStart(0);
        assertTrue(held.onReadEnd(ms(40.5), 50).confirmed(), "held a round trip, then a round trip to the answer");
        ConnectionModel fixed = connected(Profile.LINUX, MSS, 20, false);
        fixed.onWrite(0, 3000);
        fixed.onWrite(0, 3000);
        fixed.onReadStart(0);
        assertFalse(fixed.onReadEnd(ms(20.5), 50, true).confirmed(), "a fix sent it at once: one round trip");
        ConnectionModel slowerFix = connected(Profile.LINUX, MSS, 20, false);
        slowerFix.onWrite(0, 3000);
        slowerFix.onWrite(0, 3000);
        slowerFix.onReadStart(0);
        assertFalse(slowerFix.onReadEnd(ms(24.5), 50, true).confirmed(),
                "a fix sent it at once: a coalescer's own short delay is not the hold");
    }

    @Test
    void aNewConnectionsQuickAckMakesASplitRequestANagleHold() {
        ConnectionModel c = connected(Profile.LINUX, MSS, 2, true);
        c.onWrite(0, 100);
        c.onWrite(0, 100);
        StallPrediction p = c.onReadStart(0);
        assertEquals(HoldKind.NAGLE_HOLD, p.kind(), "the peer quick-acks at first");
        assertEquals(2, p.stallMs(), 0.01);
    }

    @Test
    void onLoopbackItCostsMicroseconds() {
        ConnectionModel c = new ConnectionModel(new ConnectionModel.Config(Profile.LINUX, LOOPBACK_MSS, ms(0.05),
                RttEstimate.Source.LOOPBACK, false, false));
        c.onWrite(0, 70_000);
        c.onWrite(0, 70_000);
        StallPrediction p = c.onReadStart(0);
        assertTrue(p.stallNanos() < ms(1), "below any sensible minStall: " + p);
    }

    @Test
    void aFullSegmentAfterASmallOneIsNotHeld() {
        ConnectionModel c = connected(Profile.LINUX, MSS, 20, false);
        c.onWrite(0, 100);
        c.onWrite(0, MSS);
        assertEquals(HoldKind.NONE, c.onReadStart(0).kind(), "a whole segment always leaves");
    }

    @Test
    void aSmallTailAfterAFullSegmentIsNotHeldUnderMinshall() {
        ConnectionModel c = connected(Profile.LINUX, MSS, 20, false);
        c.onWrite(0, MSS);
        c.onWrite(0, 100);
        assertEquals(HoldKind.NONE, c.onReadStart(0).kind(), "no partial segment was in flight");
    }
}
