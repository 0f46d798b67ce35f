package dev.tinygram.it.integrity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The watchdog's reading of {@code ss -tinoH state established}: which stalls are the kernel's. */
class KernelQueuesTest {
    private static final String HOLDING = ""
            + "0      33741  127.0.0.1:57280 127.0.0.1:38589 timer:(persist,204ms,0)\n"
            + "\t ts sack cubic wscale:10,10 rto:204 mss:32741 snd_wnd:0\n"
            + "37741  0      127.0.0.1:38589 127.0.0.1:57280\n"
            + "\t ts sack cubic wscale:10,10 rto:204 rcv_space:4448\n";

    @Test
    void bytesInASendQueueAreTheKernels() {
        KernelQueues k = KernelQueues.parse(HOLDING);
        assertEquals(33741, k.sendQueued);
        assertTrue(k.kernelHoldsBytes());
        assertEquals(2, k.lines.size());
        assertTrue(k.lines.get(0).contains("timer:(persist") && k.lines.get(0).contains("snd_wnd:0"), k.lines::toString);
    }

    @Test
    void emptySendQueuesLeaveTheStallToTheApplication() {
        KernelQueues k = KernelQueues.parse(HOLDING.replace("33741  127", "0      127"));
        assertEquals(0, k.sendQueued);
        assertFalse(k.kernelHoldsBytes());
    }

    @Test
    void noSocketsOrUnreadableOutputHoldNothing() {
        assertFalse(KernelQueues.parse("").kernelHoldsBytes());
        KernelQueues odd = KernelQueues.parse("Cannot open netlink socket: Permission denied\n");
        assertEquals(-1, odd.sendQueued);
        assertFalse(odd.kernelHoldsBytes());
        assertTrue(odd.describe().contains("Permission denied"), odd::describe);
    }
}
