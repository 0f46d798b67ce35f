package dev.tinygram.core;

import static dev.tinygram.core.Models.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * A peer whose ACK the waits keep showing to be prompt (it runs TCP_QUICKACK, say): after three predicted stalls
 * that cleared at once, the model takes its ACK as prompt; a stall the wait shows puts the rules back.
 */
class UnbornePredictionRuleTest {
    private static final long US = 1_000;

    /** 100 + 100 B, a read, the answer {@code answerMs} after the last write; the read's prediction. */
    private static StallPrediction exchange(ConnectionModel c, long at, double answerMs) {
        c.onWrite(at, 100);
        c.onWrite(at + 10 * US, 100);
        StallPrediction p = c.onReadStart(at + 20 * US);
        c.onReadEnd(at + 10 * US + ms(answerMs), 1);
        return p;
    }

    @Test
    void threePredictedStallsThatClearedAtOnceMakeThePeersAckPrompt() {
        ConnectionModel c = loopback(Profile.LINUX);
        for (int i = 0; i < UnbornePredictionRule.CLEARED_IN_A_ROW; i++) {
            assertTrue(exchange(c, ms(10 * i), 0.1).stall(), "the rules predict a stall, " + i);
        }
        StallPrediction p = exchange(c, ms(50), 0.1);
        assertFalse(p.stall(), "three cleared at once: the peer ACKs these at once: " + p);
    }

    @Test
    void aConfirmedStallStartsTheCountAgain() {
        ConnectionModel c = loopback(Profile.LINUX);
        exchange(c, 0, 0.1);
        exchange(c, ms(10), 0.1);
        exchange(c, ms(20), 40.1);   // confirmed
        exchange(c, ms(100), 0.1);
        exchange(c, ms(110), 0.1);
        assertTrue(exchange(c, ms(120), 0.1).stall(), "two cleared since the confirmed one");
    }

    @Test
    void aWaitOfMoreThanATenthOfTheStallIsNotClearedAtOnce() {
        assertTrue(UnbornePredictionRule.clearedAtOnce(ms(4.05), ms(0.1), ms(40)));
        assertFalse(UnbornePredictionRule.clearedAtOnce(ms(4.1), ms(0.1), ms(40)));
        ConnectionModel c = loopback(Profile.LINUX);
        for (int i = 0; i < 3; i++) exchange(c, ms(20 * i), 10);
        assertTrue(exchange(c, ms(100), 0.1).stall(), "10 ms waits are neither confirmed nor cleared");
    }

    @Test
    void aStallTheWaitShowsPutsTheRulesBack() {
        ConnectionModel c = loopback(Profile.LINUX);
        for (int i = 0; i < 4; i++) exchange(c, ms(10 * i), 0.1);
        assertFalse(exchange(c, ms(50), 0.1).stall());
        c.onWrite(ms(60), 100);
        c.onWrite(ms(60) + 10 * US, 100);
        c.onReadStart(ms(60) + 20 * US);
        ReadOutcome o = c.onReadEnd(ms(60) + ms(40.2), 1);
        assertFalse(o.predicted(), "shown by the wait: " + o);
        assertTrue(exchange(c, ms(200), 0.1).stall(), "the rules are back in force");
    }

    @Test
    void readsUnderAFixTeachNothing() {
        ConnectionModel c = loopback(Profile.LINUX);
        for (int i = 0; i < 4; i++) {
            c.onWrite(ms(10 * i), 100);
            c.onWrite(ms(10 * i) + 10 * US, 100);
            c.onReadStart(ms(10 * i) + 20 * US);
            c.onReadEnd(ms(10 * i) + ms(0.1), 1, true);
        }
        assertTrue(exchange(c, ms(100), 0.1).stall(), "TCP_NODELAY under the application hides the peer's ACK");
    }
}
