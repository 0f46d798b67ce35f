package dev.tinygram.core;

import static dev.tinygram.core.Models.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * The Linux peer's interactive ("pingpong") mode, one test per rule: it leaves the mode when its delayed-ACK
 * timer fires with nothing to ride on ({@code tcp_delack_timer_handler}); out of it, it ACKs a pushed small segment
 * as its application reads it ({@code tcp_cleanup_rbuf}); it re-enters the mode when it answers within its
 * delayed-ACK time ({@code tcp_event_data_sent}).
 */
class PeerModeRuleTest {

    @Test
    void leavesPingpongWhenItsDelayedAckFiresWithNothingToRideOn() {
        ConnectionModel c = established(Profile.LINUX, ETHERNET_MSS, 20);
        c.onWrite(0, 1);                                  // arrives at 10 ms; the peer delays its ACK to 50 ms
        c.onWrite(ms(5), 1);                              // held behind it
        assertTrue(c.peerInteractive());
        c.onWrite(ms(61), 0);                             // the timer fired at 50 ms, its ACK is back at 60
        assertFalse(c.peerInteractive(), "the delayed ACK had no data to ride on");
        assertEquals(0, c.heldBytes());
    }

    @Test
    void outOfPingpongItAcksAPushedSmallSegmentWhenRead() {
        ConnectionModel c = established(Profile.LINUX, ETHERNET_MSS, 20);
        c.onWrite(0, 1);
        c.onWrite(ms(61), 1);                             // out of pingpong since 50 ms; nothing held: leaves
        c.onWrite(ms(62), 1);                             // held behind that 1 B segment...
        assertEquals(1, c.heldBytes());
        c.onWrite(ms(82), 0);                             // ... whose ACK left as the peer read it: back at 81 ms
        assertEquals(0, c.heldBytes(), "one round trip, no delayed-ACK timer");
    }

    @Test
    void pushedSmallSegmentsWaitForTheTimerWhileInPingpong() {
        ConnectionModel c = established(Profile.LINUX, ETHERNET_MSS, 20);
        c.onWrite(0, 1);
        c.onWrite(ms(1), 1);
        c.onWrite(ms(30), 0);
        assertEquals(1, c.heldBytes(), "in pingpong the ACK of the first byte waits for the 40 ms timer");
    }

    @Test
    void reentersPingpongWhenItAnswersQuickly() {
        ConnectionModel c = established(Profile.LINUX, ETHERNET_MSS, 20);
        c.onWrite(0, 1);
        c.onWrite(ms(70), 0);
        assertFalse(c.peerInteractive());
        c.onWrite(ms(70), 100);
        c.onReadStart(ms(70));
        c.onReadEnd(ms(90.5), 50);                        // answered 0.5 ms after the request reached it
        assertTrue(c.peerInteractive());
    }

    @Test
    void staysOutOfPingpongWhenItAnswersSlowly() {
        ConnectionModel c = connected(Profile.LINUX, ETHERNET_MSS, 20, false);   // the RTT known from the connect
        c.onWrite(0, 1);
        c.onWrite(ms(70), 0);
        c.onWrite(ms(70), 100);
        c.onReadStart(ms(70));
        c.onReadEnd(ms(160), 50);                         // 70 ms of thought after the request reached it
        assertFalse(c.peerInteractive(), "an answer later than its delayed-ACK time does not make it interactive");
    }

    @Test
    void sparseSmallWritesDoNotEndInADelayedAckStall() {
        // 1 B every 5 ms, 20 times, then a read, on a 20 ms path: the first delayed ACK takes the peer out of
        // pingpong, and from then on each small segment is ACKed as the peer reads it.
        ConnectionModel c = established(Profile.LINUX, 1448, 20);
        for (int i = 0; i < 20; i++) c.onWrite(ms(5 * i), 1);
        StallPrediction p = c.onReadStart(ms(95));
        assertFalse(p.stall(), "no delayed ACK at the end: " + p);
        assertTrue(p.stallNanos() <= ms(20), "at most one round trip of Nagle: " + p.stallMs());
    }

    @Test
    void otherProfilesHaveNoPingpongMode() {
        ConnectionModel c = established(Profile.WINDOWS, ETHERNET_MSS, 20);
        c.onWrite(0, 1);
        c.onWrite(ms(250), 1);
        c.onWrite(ms(251), 1);
        assertTrue(c.peerInteractive());
        assertTrue(c.onReadStart(ms(251)).stall(), "a Windows peer delays every lone segment's ACK");
    }
}
