package dev.tinygram.core;

import static dev.tinygram.core.Models.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * A delayed-ACK stall the model did not predict, told by the wait alone; one test per rule. The bursts are writes
 * of 65536 B on loopback (MSS 65483): the model expects every held tail to leave at the next ACK, where the kernel,
 * now and then, holds the last one behind a small segment the peer does not ACK at once.
 */
class MeasuredStallRuleTest {
    private static final long US = 1_000;

    /** Two writes of 65536 B from {@code at}, a read, and the answer {@code answerMs} after the last write. */
    private static ReadOutcome exchange(ConnectionModel c, long at, double answerMs) {
        c.onWrite(at, 65536);
        c.onWrite(at + 10 * US, 65536);
        c.onReadStart(at + 20 * US);
        return c.onReadEnd(at + 10 * US + ms(answerMs), 200);
    }

    /** Three quick answers, then one that took {@code answerMs}. */
    private static ReadOutcome afterQuickAnswers(double answerMs) {
        ConnectionModel c = loopback(Profile.LINUX);
        for (int i = 0; i < 3; i++) {
            ReadOutcome quick = exchange(c, ms(10 * i), 0.1);
            assertFalse(quick.prediction().stall(), "the model predicts no stall for this burst: " + quick);
        }
        return exchange(c, ms(100), answerMs);
    }

    @Test
    void theModelExpectsTheseBurstsToLeaveAtTheNextAck() {
        ConnectionModel c = loopback(Profile.LINUX);
        c.onWrite(0, 65536);
        c.onWrite(10 * US, 65536);
        assertTrue(c.heldSinceLastRead(), "Nagle held a tail on the way");
        assertFalse(c.holdMayMatter(ms(1)), "behind a segment ACKed at once: a round trip, under minStall");
        assertFalse(c.onReadStart(20 * US).stall());
    }

    @Test
    void aWaitOfTheDelayedAckTimerAfterQuickAnswersIsAStallTheModelDidNotPredict() {
        ReadOutcome o = afterQuickAnswers(41);
        assertFalse(o.predicted(), "the model predicted none: " + o);
        assertTrue(o.confirmed(), "the wait showed it");
        assertEquals(HoldKind.DELAYED_ACK, o.prediction().kind());
        assertTrue(o.prediction().stallMs() > 40 && o.prediction().stallMs() < 41, "its cost: the wait beyond the"
                + " round trip: " + o.prediction());
        assertEquals(0, o.prediction().expectedNanos(), "nothing was predicted to wait");
        assertTrue(o.reason().startsWith("not predicted"), o.reason());
    }

    @Test
    void aQuickAnswerIsNone() {
        assertTrue(afterQuickAnswers(0.2).predicted());
    }

    @Test
    void aWaitShorterThan90PercentOfTheTimerIsNone() {
        assertTrue(afterQuickAnswers(30).predicted(), "30 ms beyond a 0.05 ms round trip is not the 40 ms timer");
        assertTrue(MeasuredStallRule.waitIsDelayedAckTimer(ms(36.1), ms(0.05), ms(40)));
        assertFalse(MeasuredStallRule.waitIsDelayedAckTimer(ms(35.9), ms(0.05), ms(40)));
    }

    @Test
    void aWaitLongerThanTheTimerBy25MsIsNone() {
        assertTrue(afterQuickAnswers(100).predicted(), "a slow answer, not the timer");
        assertTrue(MeasuredStallRule.waitIsDelayedAckTimer(ms(65), ms(0.05), ms(40)));
        assertFalse(MeasuredStallRule.waitIsDelayedAckTimer(ms(65.1), ms(0.05), ms(40)));
    }

    @Test
    void aPeerThatIsNotUsuallyQuickIsNone() {
        ConnectionModel c = loopback(Profile.LINUX);
        exchange(c, 0, 0.1);
        exchange(c, ms(10), 0.1);
        ReadOutcome o = exchange(c, ms(20), 41);
        assertTrue(o.predicted(), "two quick answers are not yet the peer's pace: " + o);
        assertFalse(o.confirmed());
        // and a slow answer starts the count again
        ConnectionModel d = loopback(Profile.LINUX);
        for (int i = 0; i < 3; i++) exchange(d, ms(10 * i), 0.1);
        exchange(d, ms(40), 15);
        exchange(d, ms(60), 0.1);
        assertTrue(exchange(d, ms(80), 41).predicted(), "one quick answer since a slow one");
    }

    @Test
    void aBurstWithNothingHeldIsNone() {
        ConnectionModel c = loopback(Profile.LINUX);
        for (int i = 0; i < 4; i++) {
            c.onWrite(ms(10 * i), 200);
            c.onReadStart(ms(10 * i) + 10 * US);
            c.onReadEnd(ms(10 * i) + ms(0.1), 10);
        }
        c.onWrite(ms(50), 200);
        assertFalse(c.heldSinceLastRead());
        c.onReadStart(ms(50) + 10 * US);
        assertTrue(c.onReadEnd(ms(50) + ms(41), 10).predicted(), "one write, nothing held: a slow peer");
    }

    @Test
    void aReadUnderAFixNeverShowsOne() {
        ConnectionModel c = loopback(Profile.LINUX);
        for (int i = 0; i < 3; i++) exchange(c, ms(10 * i), 0.1);
        c.onWrite(ms(100), 65536);
        c.onWrite(ms(100) + 10 * US, 65536);
        c.onReadStart(ms(100) + 20 * US);
        assertTrue(c.onReadEnd(ms(141), 200, true).predicted(), "TCP_NODELAY under the application: no hold");
    }

    @Test
    void quickMeansWithinAQuarterOfTheTimerBeyondTheRoundTrip() {
        assertTrue(MeasuredStallRule.isQuickAnswer(ms(29.9), ms(20), ms(40)));
        assertFalse(MeasuredStallRule.isQuickAnswer(ms(30), ms(20), ms(40)));
        assertFalse(MeasuredStallRule.peerUsuallyQuick(2));
        assertTrue(MeasuredStallRule.peerUsuallyQuick(3));
    }
}
