package dev.tinygram.core;

import static dev.tinygram.core.Models.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** When a read stalls, for how long, and when the measured wait confirms it. */
class ReadRuleTest {

    @Test
    void readWithNothingHeldDoesNotStall() {
        ConnectionModel c = loopback(Profile.LINUX);
        c.onWrite(0, 100);
        StallPrediction p = c.onReadStart(0);
        assertFalse(p.stall());
        assertEquals(0, p.heldBytes());
    }

    @Test
    void stallIsTheTimeLeftOnThePeersDelayedAckTimer() {
        ConnectionModel c = loopback(Profile.LINUX);
        c.onWrite(0, 100);
        c.onWrite(0, 100);
        StallPrediction p = c.onReadStart(ms(10));
        assertTrue(p.stall());
        assertEquals(40.05, p.stallMs(), 0.01, "the segment's ACK: half an RTT out, the 40 ms timer, half back");
        assertEquals(30.05, p.expectedMs(), 0.01, "of which 10 ms had passed when the read started");
        assertEquals(190.05, p.upperBoundMs(), 0.01, "the timer may grow to 200 ms");
        assertEquals(100, p.heldBytes());
        assertEquals(100, p.blockingSegmentBytes());
    }

    @Test
    void readAfterTheTimerFiredDoesNotStall() {
        ConnectionModel c = loopback(Profile.LINUX);
        c.onWrite(0, 100);
        c.onWrite(0, 100);
        assertFalse(c.onReadStart(ms(45)).stall(), "the held bytes left when the delayed ACK came");
    }

    @Test
    void heldBytesBehindAnAckThatIsNotDelayedDoNotStall() {
        ConnectionModel c = fresh(Profile.LINUX, ETHERNET_MSS, 100);
        c.onWrite(0, 100);
        c.onWrite(0, 100);
        StallPrediction p = c.onReadStart(0);
        assertFalse(p.stall(), "a quick ACK releases them after one RTT: slow, but not a delayed-ACK stall");
        assertEquals(100, p.heldBytes());
    }

    @Test
    void waitNearTheTimerConfirmsTheStall() {
        ReadOutcome o = stalledRead(44);
        assertTrue(o.prediction().stall());
        assertTrue(o.confirmed());
        assertEquals(44, o.waitMs(), 0.01);
    }

    @Test
    void waitMuchShorterThanTheTimerDoesNotConfirm() {
        assertFalse(stalledRead(2).confirmed());
    }

    @Test
    void waitFarBeyondTheLongestTimerDoesNotConfirm() {
        assertFalse(stalledRead(5_000).confirmed());
    }

    /** On an 80 ms path, a read that now takes one round trip (a fix removed the stall) is not a stall. */
    @Test
    void aWaitThePathAloneExplainsDoesNotConfirm() {
        ConnectionModel slow = established(Profile.LINUX, ETHERNET_MSS, 80);
        slow.onWrite(0, 100);
        slow.onWrite(0, 100);
        assertTrue(slow.onReadStart(0).stall());
        assertFalse(slow.onReadEnd(ms(81), 50).confirmed(), "one round trip: the path, not a delayed ACK");
        ConnectionModel stalled = established(Profile.LINUX, ETHERNET_MSS, 80);
        stalled.onWrite(0, 100);
        stalled.onWrite(0, 100);
        StallPrediction p = stalled.onReadStart(0);
        assertTrue(stalled.onReadEnd(p.expectedNanos() + ms(80), 50).confirmed(),
                "the held tail leaves when the delayed ACK comes back, and the answer a round trip later");
    }

    @Test
    void readThatWasNeverStartedEndsWithoutPrediction() {
        ReadOutcome o = loopback(Profile.LINUX).onReadEnd(ms(1), 10);
        assertFalse(o.prediction().stall());
        assertFalse(o.confirmed());
        assertEquals(0, o.waitNanos());
    }

    private static ReadOutcome stalledRead(double waitMs) {
        ConnectionModel c = loopback(Profile.LINUX);
        c.onWrite(0, 100);
        c.onWrite(0, 100);
        c.onReadStart(0);
        return c.onReadEnd(ms(waitMs), 50);
    }
}
