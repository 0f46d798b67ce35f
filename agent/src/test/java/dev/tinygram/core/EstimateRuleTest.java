package dev.tinygram.core;

import static dev.tinygram.core.Models.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** How the core estimates what it cannot see: ACKs, the peer's mode, the RTT. */
class EstimateRuleTest {

    @Test
    void peerDataAcknowledgesWhatWasSentAnRttBeforeIt() {
        ConnectionModel c = loopback(Profile.LINUX);
        c.onWrite(0, 100);                       // delayed ACK would come at 40 ms
        c.onReadStart(0);
        c.onReadEnd(ms(5), 50);                  // but the peer answered at 5 ms, carrying the ACK
        WriteDecision d = c.onWrite(ms(6), 100);
        assertEquals(WriteReason.NOTHING_IN_FLIGHT, d.reason(), "nothing left unacknowledged");
    }

    @Test
    void anAnswerFasterThanTheRttGuessStillAcknowledgesTheBurst() {
        ConnectionModel c = established(Profile.LINUX, ETHERNET_MSS, 10);
        c.onWrite(0, 100);
        c.onWrite(0, 100);                       // held: this exchange teaches no RTT
        c.onReadStart(0);
        c.onReadEnd(ms(2), 50);                  // the guess said 10 ms; the path is faster
        assertEquals(0, c.bytesInFlight());
        assertEquals(0, c.heldBytes());
    }

    @Test
    void peerDataThatAnswersNoBurstAcknowledgesOnlyWhatThePeerCouldHaveSeen() {
        ConnectionModel c = established(Profile.LINUX, ETHERNET_MSS, 10);
        c.onWrite(0, 100);
        c.onReadStart(0);
        c.onReadEnd(ms(20), 50);                 // the answer: all acknowledged
        c.onWrite(ms(30), 100);
        c.onReadStart(ms(30));
        c.onReadEnd(ms(45), 50);                 // answers the burst: acknowledged too (and no faster than the RTT)
        assertEquals(0, c.bytesInFlight());
        c.onWrite(ms(50), 100);                  // arrives at the peer at 55 ms
        c.onReadEnd(ms(50.5), 0);                // a read that got nothing ends the burst's wait
        c.onReadStart(ms(51));
        c.onReadEnd(ms(52), 50);                 // data sent at 47 ms at the latest: before it saw ours
        assertEquals(100, c.bytesInFlight());
    }

    @Test
    void peerTurnsInteractiveOnceItAnswersUs() {
        ConnectionModel c = fresh(Profile.LINUX, LOOPBACK_MSS, 0.05);
        assertFalse(c.peerInteractive());
        c.onReadStart(0);
        c.onReadEnd(ms(1), 10);
        assertFalse(c.peerInteractive(), "data that answers nothing of ours says nothing about its ACK mode");
        c.onWrite(ms(2), 10);
        c.onReadStart(ms(2));
        c.onReadEnd(ms(3), 10);
        assertTrue(c.peerInteractive());
    }

    @Test
    void connectionSeenMidLifeIsAssumedInteractive() {
        assertTrue(loopback(Profile.LINUX).peerInteractive());
    }

    @Test
    void rttIsLearnedFromTheFastestAnswerToAnUnheldWrite() {
        ConnectionModel c = established(Profile.LINUX, ETHERNET_MSS, 50);
        exchange(c, 0, 3);
        assertEquals(ms(3), c.rttNanos(), "an answer faster than the guess lowers it");
        exchange(c, ms(10), 1);
        exchange(c, ms(20), 2);
        assertEquals(ms(1), c.rttNanos(), "then the minimum is kept");
    }

    @Test
    void aSlowAnswerNeverRaisesTheRtt() {
        ConnectionModel c = loopback(Profile.LINUX);
        exchange(c, 0, 9);                               // cold code on both sides: 9 ms
        assertEquals(ms(0.05), c.rttNanos());
    }

    @Test
    void rttIsNotLearnedFromAStalledAnswer() {
        ConnectionModel c = loopback(Profile.LINUX);
        c.onWrite(0, 100);
        c.onWrite(0, 100);
        c.onReadStart(0);
        c.onReadEnd(ms(40.2), 50);
        assertEquals(ms(0.05), c.rttNanos());
    }

    @Test
    void anAnswerProvesThePeerHadTheHeldBytesToo() {
        ConnectionModel c = loopback(Profile.LINUX);
        c.onWrite(0, 16);
        c.onWrite(ms(0.01), 100);                        // held: the model expects the ACK at 40 ms
        assertTrue(c.onReadStart(ms(0.02)).stall());
        c.onReadEnd(ms(30), 50);                         // the real ACK came sooner: the peer answered at 30 ms
        assertEquals(0, c.heldBytes());
        assertEquals(0, c.bytesInFlight(), "the answer acknowledges the request, held part included");
        assertEquals(16, c.onWrite(ms(31), 16).bytesSentNow(), "so the next request's first write leaves at once");
    }

    @Test
    void anAnswerAcknowledgesTheWholeBurstEvenWithAnOverestimatedRtt() {
        ConnectionModel c = new ConnectionModel(new ConnectionModel.Config(Profile.LINUX, LOOPBACK_MSS, ms(10),
                false, true));
        exchange(c, 0, 5);                               // an answer in 5 ms: the RTT is at most that
        assertEquals(ms(5), c.rttNanos());
        long t = ms(10);
        for (int i = 0; i < 4; i++) {
            assertEquals(16, c.onWrite(t, 16).bytesSentNow(), "request " + i + ": the header leaves at once");
            c.onWrite(t + ms(0.01), 100);
            assertTrue(c.onReadStart(t + ms(0.02)).stall());
            c.onReadEnd(t + ms(47.6), 50);               // just after the model's release at 45 ms
            assertEquals(0, c.bytesInFlight(), "request " + i + ": the answer acknowledged the whole request");
            t += ms(48);
        }
    }

    private static void exchange(ConnectionModel c, long at, double answerMs) {
        c.onWrite(at, 10);
        c.onReadStart(at);
        c.onReadEnd(at + ms(answerMs), 10);
    }
}
