package dev.tinygram.core;

import static dev.tinygram.core.Models.*;
import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The peer's delayed-ACK rules, seen through when held bytes are released. */
class PeerAckRuleTest {

    @Test
    void linuxPeerDelaysAckWhileWithinOneRcvMss() {
        ConnectionModel c = loopback(Profile.LINUX);
        c.onWrite(0, 500);
        c.onWrite(0, 10);
        c.onWrite(ms(39), 0);
        assertEquals(10, c.heldBytes(), "500 B < rcv_mss 536: the peer waits for its 40 ms timer");
        c.onWrite(ms(41), 0);
        assertEquals(0, c.heldBytes(), "the timer fired at 40 ms");
    }

    @Test
    void linuxPeerAcksAtOnceWhenMoreThanOneRcvMssUnacked() {
        ConnectionModel c = established(Profile.LINUX, ETHERNET_MSS, 1);
        c.onWrite(0, ETHERNET_MSS);       // rcv_mss grows to 1460; one segment unacked: delayed
        c.onWrite(0, 100);                // Minshall: leaves; 1560 B > rcv_mss: ACK at once
        c.onWrite(0, 10);                 // held behind the 100 B segment
        assertEquals(10, c.heldBytes());
        c.onWrite(ms(1.1), 0);
        assertEquals(0, c.heldBytes(), "ACK came back after one RTT, not the delayed-ACK timer");
    }

    @Test
    void linuxRcvMssFollowsTheLargestSegmentReceived() {
        ConnectionModel c = loopback(Profile.LINUX);
        assertEquals(536, c.peerRcvMss(), "starts at TCP_MSS_DEFAULT");
        c.onWrite(0, 100);
        assertEquals(536, c.peerRcvMss(), "small segments do not shrink it");
        c.onWrite(ms(100), 3000);
        assertEquals(3000, c.peerRcvMss());
        c.onWrite(ms(200), 100_000);
        assertEquals(LOOPBACK_MSS, c.peerRcvMss(), "bounded by the MSS");
    }

    @Test
    void linuxQuickAckModeAtTheStartOfAConnection() {
        ConnectionModel c = fresh(Profile.LINUX, LOOPBACK_MSS, 0.05);
        c.onWrite(0, 100);
        c.onWrite(0, 100);
        assertFalse(c.onReadStart(0).stall(), "a new connection's peer quick-acks");
        c.onReadEnd(ms(0.2), 50);
        assertTrue(c.peerInteractive(), "having answered, the peer is interactive");
        c.onWrite(ms(1), 100);
        c.onWrite(ms(1), 100);
        assertTrue(c.onReadStart(ms(1)).stall(), "the second request stalls: the peer now delays its ACK");
    }

    @Test
    void rfc1122PeerAcksEverySecondFullSegment() {
        ConnectionModel c = established(Profile.RFC896, ETHERNET_MSS, 1);
        c.onWrite(0, 2 * ETHERNET_MSS + 10);
        assertEquals(10, c.heldBytes());
        c.onWrite(ms(1.1), 0);
        assertEquals(0, c.heldBytes(), "two full segments: ACK at once");
    }

    @Test
    void rfc1122PeerDelaysAckOfASingleFullSegment() {
        ConnectionModel c = established(Profile.RFC896, ETHERNET_MSS, 1);
        c.onWrite(0, ETHERNET_MSS + 10);
        c.onWrite(ms(199), 0);
        assertEquals(10, c.heldBytes(), "one full segment waits for the 200 ms timer");
        c.onWrite(ms(202), 0);
        assertEquals(0, c.heldBytes());
    }

    @Test
    void windowsPeerAcksEverySecondSegmentWhateverItsSize() {
        ConnectionModel c = established(Profile.WINDOWS, ETHERNET_MSS, 1);
        c.onNodelay(0, true);
        c.onWrite(0, 10);
        c.onWrite(0, 10);                   // a second segment: Windows ACKs at once
        c.onNodelay(0, false);
        c.onWrite(0, 10);
        assertEquals(10, c.heldBytes(), "RFC 896 sender: held while data is unacknowledged");
        c.onWrite(ms(1.1), 0);
        assertEquals(0, c.heldBytes(), "released after one RTT, not 200 ms");
    }
}
