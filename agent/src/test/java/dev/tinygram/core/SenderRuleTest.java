package dev.tinygram.core;

import static dev.tinygram.core.Models.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The sender's Nagle rule, one test per rule. */
class SenderRuleTest {

    @Test
    void fullSegmentLeavesAtOnce() {
        ConnectionModel c = established(Profile.RFC896, ETHERNET_MSS, 10);
        c.onWrite(0, 100);
        c.onWrite(0, 100);                                  // held behind the first
        WriteDecision d = c.onWrite(ms(1), ETHERNET_MSS);   // the queue now holds 1560 B
        assertEquals(ETHERNET_MSS, d.bytesSentNow(), "a whole segment leaves even with data unacknowledged");
        assertEquals(100, d.bytesHeld(), "the 100 B tail stays behind the unacknowledged data");
    }

    @Test
    void partialSegmentLeavesWhenNothingInFlight() {
        WriteDecision d = established(Profile.LINUX, ETHERNET_MSS, 10).onWrite(0, 100);
        assertEquals(new WriteDecision(100, 0, WriteReason.NOTHING_IN_FLIGHT), d);
    }

    @Test
    void minshallHoldsPartialSegmentWhileLastSmallSegmentUnacked() {
        ConnectionModel c = established(Profile.LINUX, ETHERNET_MSS, 10);
        c.onWrite(0, 100);
        WriteDecision d = c.onWrite(ms(1), 100);
        assertEquals(new WriteDecision(0, 100, WriteReason.HELD_BEHIND_UNACKED_SMALL_SEGMENT), d);
    }

    @Test
    void minshallSendsPartialSegmentBehindUnackedFullSegment() {
        ConnectionModel c = established(Profile.LINUX, ETHERNET_MSS, 10);
        c.onWrite(0, ETHERNET_MSS);
        WriteDecision d = c.onWrite(ms(1), 100);
        assertEquals(new WriteDecision(100, 0, WriteReason.MINSHALL_LAST_SMALL_SEGMENT_ACKED), d);
    }

    @Test
    void rfc896HoldsPartialSegmentWhileAnyDataUnacked() {
        ConnectionModel c = established(Profile.RFC896, ETHERNET_MSS, 10);
        c.onWrite(0, ETHERNET_MSS);
        WriteDecision d = c.onWrite(ms(1), 100);
        assertEquals(new WriteDecision(0, 100, WriteReason.HELD_BEHIND_UNACKED_DATA), d);
    }

    @Test
    void nodelayNeverHoldsPartialSegment() {
        ConnectionModel c = new ConnectionModel(
                new ConnectionModel.Config(Profile.LINUX, ETHERNET_MSS, ms(10), true, false));
        c.onWrite(0, 100);
        assertEquals(new WriteDecision(100, 0, WriteReason.NODELAY), c.onWrite(ms(1), 100));
    }

    @Test
    void settingNodelayPushesHeldBytes() {
        ConnectionModel c = established(Profile.LINUX, ETHERNET_MSS, 10);
        c.onWrite(0, 100);
        c.onWrite(0, 100);
        assertEquals(100, c.onNodelay(ms(1), true));
        assertEquals(0, c.heldBytes());
    }

    @Test
    void shutdownOutputPushesHeldBytesWithTheFin() {
        ConnectionModel c = loopback(Profile.LINUX);
        c.onWrite(0, 100);
        c.onWrite(0, 16);
        assertEquals(16, c.onShutdownOutput(ms(0.01)));
        assertFalse(c.onReadStart(ms(0.02)).stall(), "nothing is held for the read to wait on");
        assertFalse(c.nodelay(), "the push does not turn NODELAY on");
    }

    @Test
    void heldBytesLeaveWhenTheAckArrives() {
        ConnectionModel c = fresh(Profile.LINUX, ETHERNET_MSS, 10);   // quick-ack: ACK after one RTT
        c.onWrite(0, 100);
        c.onWrite(ms(1), 100);
        c.onWrite(ms(9.9), 0);
        assertEquals(100, c.heldBytes(), "still held just before the ACK");
        c.onWrite(ms(10.1), 0);
        assertEquals(0, c.heldBytes(), "released when the ACK of the first segment arrives, one RTT later");
    }

    @Test
    void heldBytesLeaveAsSoonAsTheyFillAFullSegment() {
        ConnectionModel c = established(Profile.LINUX, ETHERNET_MSS, 100);
        c.onWrite(0, 100);
        c.onWrite(ms(1), 1000);
        WriteDecision d = c.onWrite(ms(2), 1000);
        assertEquals(ETHERNET_MSS, d.bytesSentNow());
        assertEquals(2000 - ETHERNET_MSS, d.bytesHeld());
    }
}
