package dev.tinygram.core;

import static dev.tinygram.core.Models.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The rules of {@link RttEstimate}, one test each, named as its class comment names them. */
class RttEstimateTest {
    private static final long TIMER = ms(40);

    @Test
    void loopbackIsKnown() {
        RttEstimate e = new RttEstimate(RttEstimate.Source.LOOPBACK, ms(0.05));
        e.answered(ms(9));
        e.answered(ms(0.01));
        assertEquals(ms(0.05), e.nanos(), "answers on loopback measure the peer, not the path");
    }

    @Test
    void theConnectTimeIsTheFirstBound() {
        RttEstimate e = new RttEstimate(RttEstimate.Source.CONNECT, ms(20));
        assertEquals(ms(20), e.nanos());
        e.answered(ms(25));
        assertEquals(ms(20), e.nanos(), "a slower answer does not move it: the connect was faster");
        e.answered(ms(19));
        assertEquals(ms(19), e.nanos());
    }

    @Test
    void theKernelsHandshakeRoundTripIsTheFirstBound() {
        RttEstimate e = new RttEstimate(RttEstimate.Source.KERNEL, ms(20));
        e.answeredAfterHold(ms(5));
        assertEquals(ms(5), e.nanos(), "a bound that lowers it is taken");
        RttEstimate k = new RttEstimate(RttEstimate.Source.KERNEL, ms(20));
        k.answered(ms(80));
        assertEquals(ms(20), k.nanos(), "not a guess: a slower answer does not replace it");
    }

    @Test
    void theKernelsMeasureAfterAStallIsABound() {
        RttEstimate guessed = new RttEstimate(RttEstimate.Source.GUESS, ms(1));
        guessed.measuredByKernel(ms(20));
        assertEquals(ms(20), guessed.nanos(), "it replaces a guess, up as well as down");
        RttEstimate loopback = new RttEstimate(RttEstimate.Source.LOOPBACK, ms(0.05));
        loopback.measuredByKernel(ms(3));
        assertEquals(ms(0.05), loopback.nanos(), "loopback stays fixed");
    }

    @Test
    void anEarlierConnectionsPathIsTheFirstBound() {
        RttEstimate e = new RttEstimate(RttEstimate.Source.PATH, ms(20));
        e.answered(ms(80));
        assertEquals(ms(20), e.nanos(), "not a guess: a slower answer does not replace it");
        for (int i = 0; i < RttEstimate.WINDOW - 1; i++) e.answered(ms(30));
        assertEquals(ms(30), e.nanos(), "it ages out as a connect time does: the path got slower");
    }

    @Test
    void whatItCanTellALaterConnectionIsItsFastestBound() {
        RttEstimate guess = new RttEstimate(RttEstimate.Source.GUESS, ms(1));
        assertEquals(-1, guess.boundNanos(), "a guess is no bound");
        guess.answered(ms(21));
        assertEquals(ms(21), guess.boundNanos());
        RttEstimate connect = new RttEstimate(RttEstimate.Source.CONNECT, ms(25));
        connect.answered(ms(20.5));
        assertEquals(ms(20.5), connect.boundNanos());
        assertEquals(-1, new RttEstimate(RttEstimate.Source.LOOPBACK, ms(0.05)).boundNanos(), "loopback's is fixed");
        RttEstimate inherited = new RttEstimate(RttEstimate.Source.PATH, ms(0.2));
        assertEquals(-1, inherited.boundNanos(), "an inherited bound is not passed on");
        inherited.answered(ms(20));
        assertEquals(ms(0.2), inherited.nanos(), "though it is this connection's estimate");
        assertEquals(ms(20), inherited.boundNanos(), "what it measured itself, slower or not");
        for (int i = 0; i < RttEstimate.WINDOW - 1; i++) inherited.answered(ms(21));
        assertEquals(ms(20), inherited.nanos(), "the inherited one aged out");
        inherited.answered(ms(22));
        assertEquals(ms(21), inherited.boundNanos(), "and its own age out in turn");
        RttEstimate beatTheKernel = new RttEstimate(RttEstimate.Source.PATH, ms(0.26));
        beatTheKernel.measuredByKernel(ms(1.27));
        assertEquals(ms(0.26), beatTheKernel.nanos(), "the remembered bound was faster than the handshake");
        assertEquals(ms(1.27), beatTheKernel.boundNanos(), "the handshake's sample is its own, to pass on");
    }

    @Test
    void aGuessGivesWayToTheFirstAnswer() {
        RttEstimate low = new RttEstimate(RttEstimate.Source.GUESS, ms(1));
        low.answered(ms(21));
        assertEquals(ms(21), low.nanos(), "a guess that was too low does not stick");
        RttEstimate high = new RttEstimate(RttEstimate.Source.GUESS, ms(1));
        high.answered(ms(0.3));
        assertEquals(ms(0.3), high.nanos());
    }

    @Test
    void everyAnswerIsABound() {
        // 1 B every 5 ms on a 2.3 ms path, the model's first RTT 12 ms from a cold connect: it believes the last
        // byte held for 8 ms, but the answer came 2.3 ms after it: whatever was held, the path is no longer.
        ConnectionModel c = connected(Profile.LINUX, 1448, 12, false);
        for (int i = 0; i < 20; i++) c.onWrite(ms(5 * i), 1);
        assertTrue(c.onReadStart(ms(95)).held());
        c.onReadEnd(ms(97.3), 1);
        assertEquals(ms(2.3), c.rttNanos());
    }

    @Test
    void aStalledAnswerDoesNotPushGoodBoundsOut() {
        ConnectionModel c = connected(Profile.LINUX, ETHERNET_MSS, 20, false);
        long t = 0;
        for (int i = 0; i < 3 * RttEstimate.WINDOW; i++) {
            c.onWrite(t, 100);
            c.onWrite(t, 100);
            c.onReadStart(t);
            c.onReadEnd(t + ms(83), 1);                 // the timer and two round trips, every time
            t += ms(100);
        }
        assertEquals(ms(20), c.rttNanos(), "the connect's 20 ms stays: 83 ms answers say nothing new");
    }

    @Test
    void theFastestRecentBoundWins() {
        RttEstimate e = new RttEstimate(RttEstimate.Source.GUESS, ms(1));
        for (double answer : new double[] {23, 21, 35, 20.5, 22}) e.answered(ms(answer));
        assertEquals(ms(20.5), e.nanos());
    }

    @Test
    void anOldFastBoundAgesOut() {
        RttEstimate e = new RttEstimate(RttEstimate.Source.CONNECT, ms(2));   // then the path got longer
        for (int i = 0; i < RttEstimate.WINDOW - 1; i++) {
            e.answered(ms(20 + i));
            assertEquals(ms(2), e.nanos(), "answer " + i + ": the connect's bound is still recent");
        }
        e.answered(ms(30));
        assertEquals(ms(20), e.nanos(), "the connect's bound left the window: the estimate rose");
    }

    @Test
    void aHeldAnswerCountsTheRoundTripItWaited() {
        RttEstimate backToBack = new RttEstimate(RttEstimate.Source.GUESS, ms(1));
        backToBack.answeredHeld(ms(40), 0);
        assertEquals(ms(20), backToBack.nanos(), "a round trip for the ACK, then one for the answer");
        RttEstimate late = new RttEstimate(RttEstimate.Source.GUESS, ms(1));
        late.answeredHeld(ms(25), ms(15));            // the segment it waited behind left 15 ms before the last write
        assertEquals(ms(20), late.nanos());
        RttEstimate notHeld = new RttEstimate(RttEstimate.Source.GUESS, ms(1));
        notHeld.answeredHeld(ms(2), ms(15));          // faster than the hold could be: it was not held
        assertEquals(ms(2), notHeld.nanos());
    }

    @Test
    void theModelLearnsNothingFromAnAnswerADelayedAckMayHaveMade() {
        ConnectionModel c = established(Profile.LINUX, ETHERNET_MSS, 1);
        c.onWrite(0, 100);
        c.onWrite(0, 100);
        assertTrue(c.onReadStart(0).stall());
        c.onReadEnd(ms(45), 50);
        assertEquals(ms(45), c.rttNanos(), "45 ms may be the 40 ms timer and a 5 ms path, or a 22 ms path: only"
                + " the plain bound, not half of it");
        c.onWrite(ms(50), 100);
        c.onWrite(ms(50), 100);
        c.onReadStart(ms(50));
        c.onReadEnd(ms(54), 50);                       // before any timer: the ACK was not delayed
        assertEquals(ms(2), c.rttNanos());
    }

    @Test
    void theModelCountsAHeldAnswerOnlyWhenItsBlockerLeftCloseToTheLastWrite() {
        // 1 B every 5 ms: the segment the tail waits behind left up to a round trip before the last write, by the
        // model's own reckoning; half of a wrong d would teach an RTT too short.
        ConnectionModel c = connected(Profile.LINUX, 1448, 20, false);
        for (int i = 0; i < 20; i++) c.onWrite(ms(5 * i), 1);
        StallPrediction p = c.onReadStart(ms(95));
        assertTrue(p.held(), p::toString);
        c.onReadEnd(ms(95 + 24), 1);
        assertEquals(ms(20), c.rttNanos(), "no bound from a hold behind a segment sent long before");
    }

    @Test
    void anAnswerOnAFixedConnectionIsAPlainRoundTrip() {
        // The model sees the application's Nagle and holds the tail; a fix sent it at once, so the answer took one
        // round trip: halving it, as for a held answer, would teach half the RTT.
        ConnectionModel c = connected(Profile.LINUX, ETHERNET_MSS, 25, false);
        c.onWrite(0, 100);
        c.onWrite(0, 100);
        assertTrue(c.onReadStart(0).held());
        c.onReadEnd(ms(20.4), 50, true);
        assertEquals(ms(20.4), c.rttNanos());
    }

    @Test
    void theModelLearnsAnRttThatRises() {
        // An accepted connection on a 20 ms path: the 1 ms guess must not stick.
        ConnectionModel c = established(Profile.LINUX, ETHERNET_MSS, 1);
        long t = 0;
        for (int i = 0; i < 3; i++) {
            c.onWrite(t, 300);
            c.onReadStart(t);
            c.onReadEnd(t + ms(20.3), 50);
            t += ms(50);
        }
        assertEquals(ms(20.3), c.rttNanos());
    }
}
