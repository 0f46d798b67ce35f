package dev.tinygram.core;

import static dev.tinygram.core.Models.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Whole traces: the cases the issue names, under Linux and, where the answer differs, RFC 896. */
class ScenarioTest {

    @Test
    void personTypingWithGapsLongerThanTheRttNeverHoldsOrStalls() {
        ConnectionModel c = established(Profile.LINUX, ETHERNET_MSS, 100);
        for (int key = 0; key < 20; key++) {
            long at = key * ms(250);
            WriteDecision d = c.onWrite(at, 1);
            assertEquals(1, d.bytesSentNow(), "keystroke " + key + " leaves at once");
            assertEquals(0, d.bytesHeld());
            assertFalse(c.onReadStart(at + ms(1)).stall());
            c.onReadEnd(at + ms(101), 1);   // the echo
        }
    }

    @Test
    void tenByteWritesEveryMillisecondGatherBehindTheFirstUntilItsAck() {
        ConnectionModel c = fresh(Profile.LINUX, ETHERNET_MSS, 100);   // quick-acked: ACK after one RTT
        assertEquals(10, c.onWrite(0, 10).bytesSentNow(), "the first leaves");
        for (int t = 1; t < 100; t++) {
            WriteDecision d = c.onWrite(ms(t), 10);
            assertEquals(0, d.bytesSentNow(), "write at " + t + " ms is held");
            assertEquals(10L * t, d.bytesHeld());
        }
        WriteDecision afterAck = c.onWrite(ms(100.5), 10);
        assertEquals(990, c.bytesInFlight(), "the ACK at 100 ms released the 990 B gathered as one segment");
        assertEquals(10, afterAck.bytesHeld(), "and the next write gathers behind that one");
    }

    @Test
    void hundredByteWritesEveryMillisecondLeaveOnceTheyFillASegment() {
        ConnectionModel c = fresh(Profile.LINUX, ETHERNET_MSS, 100);
        c.onWrite(0, 100);
        long sent = 0;
        for (int t = 1; t <= 15; t++) sent += c.onWrite(ms(t), 100).bytesSentNow();
        assertEquals(ETHERNET_MSS, sent, "a full segment leaves before the ACK, at the 15th write");
        assertEquals(1500 - ETHERNET_MSS, c.heldBytes());
    }

    // ---- Linux loopback ------------------------------------------------------------------------------------

    @Test
    void linuxLoopbackTwoSmallWritesThenReadStall() {
        StallPrediction p = trace(loopback(Profile.LINUX), 100, 100);
        assertTrue(p.stall());
        assertTrue(p.stallMs() >= 40, "at least the 40 ms delayed-ACK timer: " + p.stallMs());
        assertTrue(p.expectedMs() >= 40, "the read starts at once, so it waits all of it: " + p.expectedMs());
        assertTrue(p.upperBoundMs() >= 200);
    }

    @Test
    void linuxLoopbackOneWriteOf200BytesDoesNotStall() {
        assertFalse(trace(loopback(Profile.LINUX), 200).stall());
    }

    @Test
    void linuxLoopbackOneWriteOf100000BytesDoesNotStall() {
        StallPrediction p = trace(loopback(Profile.LINUX), 100_000);
        assertFalse(p.stall());
        assertEquals(0, p.heldBytes(), "Minshall lets the tail follow the full segment");
    }

    @Test
    void linuxLoopbackWorkingMss32768WriteOf100000BytesDoesNotStall() {
        assertFalse(trace(established(Profile.LINUX, 32768, 0.05), 100_000).stall());
    }

    @Test
    void linuxLoopbackTwoSmallWritesWithNodelayDoNotStall() {
        ConnectionModel c = loopback(Profile.LINUX);
        c.onNodelay(0, true);
        assertFalse(trace(c, 100, 100).stall());
    }

    // ---- the same traces under RFC 896 -------------------------------------------------------------------

    @Test
    void rfc896TwoSmallWritesThenReadStallFor200Ms() {
        StallPrediction p = trace(loopback(Profile.RFC896), 100, 100);
        assertTrue(p.stall());
        assertEquals(200, p.expectedMs(), 0.1);
    }

    @Test
    void rfc896OneWriteOf200BytesDoesNotStall() {
        assertFalse(trace(loopback(Profile.RFC896), 200).stall());
    }

    @Test
    void rfc896OneWriteOf100000BytesStallsWhereLinuxDoesNot() {
        StallPrediction p = trace(loopback(Profile.RFC896), 100_000);
        assertTrue(p.stall(), "the tail waits behind the one unacknowledged full segment");
        assertEquals(100_000 - LOOPBACK_MSS, p.heldBytes());
        assertEquals(LOOPBACK_MSS, p.blockingSegmentBytes());
    }

    @Test
    void rfc896TwoSmallWritesWithNodelayDoNotStall() {
        ConnectionModel c = loopback(Profile.RFC896);
        c.onNodelay(0, true);
        assertFalse(trace(c, 100, 100).stall());
    }

    @Test
    void steadyRequestResponseStallsEveryTime() {
        ConnectionModel c = loopback(Profile.LINUX);
        long t = 0;
        for (int i = 0; i < 5; i++) {
            c.onWrite(t, 100);
            c.onWrite(t, 100);
            assertTrue(c.onReadStart(t).stall(), "request " + i);
            t += ms(44);
            assertTrue(c.onReadEnd(t, 50).confirmed(), "request " + i);
            t += ms(1);
        }
    }

    @Test
    void theFirstWriteOfTheNextRequestIsNeverHeldAfterAnAnsweredStall() {
        ConnectionModel c = fresh(Profile.LINUX, LOOPBACK_MSS, 0.05);
        c.onWrite(0, 16);
        c.onWrite(ms(0.01), 100);
        c.onReadStart(ms(0.02));
        c.onReadEnd(ms(1), 50);                         // quick-acked first exchange
        c.onWrite(ms(2), 16);
        c.onWrite(ms(2.01), 100);
        assertTrue(c.onReadStart(ms(24.7)).stall());     // the app was slow to read
        c.onReadEnd(ms(60.4), 50);
        for (int i = 0; i < 5; i++) {
            long t = ms(61 + 50 * i);
            WriteDecision header = c.onWrite(t, 16);
            assertEquals(16, header.bytesSentNow(), "request " + i + ": the header leaves at once");
            c.onWrite(t + ms(0.01), 100);
            c.onReadStart(t + ms(0.02));
            c.onReadEnd(t + ms(44), 50);
        }
    }

    private static StallPrediction trace(ConnectionModel c, long... writes) {
        for (long w : writes) c.onWrite(0, w);
        return c.onReadStart(0);
    }
}
