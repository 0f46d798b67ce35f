package dev.tinygram.core;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The coalescing rule's predicates, one test per rule. */
class CoalescingRuleTest {
    private static final int BOUND = 1448;

    @Test
    void passesThroughAWriteOfAtLeastOneSegment() {
        assertTrue(CoalescingRule.passesThrough(BOUND, BOUND));
        assertTrue(CoalescingRule.passesThrough(BOUND + 1L, BOUND));
        assertTrue(CoalescingRule.passesThrough(10L * BOUND, BOUND));
        assertFalse(CoalescingRule.passesThrough(BOUND - 1L, BOUND));
        assertFalse(CoalescingRule.passesThrough(1, BOUND));
    }

    @Test
    void fillsSegmentWhenBufferedPlusWriteReachesBound() {
        assertTrue(CoalescingRule.fillsSegment(1000, 448, BOUND));
        assertTrue(CoalescingRule.fillsSegment(1000, 449, BOUND));
        assertFalse(CoalescingRule.fillsSegment(1000, 447, BOUND));
        assertFalse(CoalescingRule.fillsSegment(0, BOUND - 1L, BOUND));
        assertTrue(CoalescingRule.fillsSegment(BOUND - 1L, 1, BOUND));
    }

    @Test
    void sendsAtOnceOnlyTheFirstWriteOfABurstAfterASingleWriteBurst() {
        assertTrue(CoalescingRule.sendsAtOnce(true, 1), "a one-write responder keeps its latency");
        assertFalse(CoalescingRule.sendsAtOnce(true, 2), "a request written in pieces is coalesced");
        assertFalse(CoalescingRule.sendsAtOnce(true, 0), "the first burst of a connection is coalesced");
        assertFalse(CoalescingRule.sendsAtOnce(false, 1), "a later write of the burst is coalesced");
    }

    @Test
    void overdueOnceMaxDelayHasPassed() {
        assertFalse(CoalescingRule.overdue(1_000, 1_999, 1_000));
        assertTrue(CoalescingRule.overdue(1_000, 2_000, 1_000));
        assertTrue(CoalescingRule.overdue(1_000, 5_000, 1_000));
        assertFalse(CoalescingRule.overdue(1_000, 1_000, 1_000));
    }

    @Test
    void overdueSurvivesNanoTimeWrapAround() {
        long first = Long.MAX_VALUE - 100;
        assertTrue(CoalescingRule.overdue(first, first + 1_000, 1_000), "System.nanoTime may wrap: compare differences");
        assertFalse(CoalescingRule.overdue(first, first + 999, 1_000));
    }

    // ---- the one decision per write -------------------------------------------------------------------------

    private static final Burst MID_BURST = new Burst(false, 2, 0);

    @Test
    void aSmallWriteMidBurstIsBuffered() {
        assertEquals(CoalescingRule.Decision.BUFFER, CoalescingRule.onWrite(MID_BURST, false, 100, 100, BOUND));
    }

    @Test
    void aWriteThatWouldFillASegmentSendsTheBufferThenIsBuffered() {
        CoalescingRule.Decision d = CoalescingRule.onWrite(MID_BURST, false, 1400, 100, BOUND);
        assertEquals(CoalescingRule.Decision.SEND_THEN_BUFFER, d);
        assertFalse(d.writesThrough());
    }

    @Test
    void aSegmentOrMoreGoesThroughAfterTheBuffer() {
        CoalescingRule.Decision d = CoalescingRule.onWrite(MID_BURST, false, 100, BOUND, BOUND);
        assertEquals(CoalescingRule.Decision.SEND_LARGE_WRITE, d);
        assertTrue(d.writesThrough());
    }

    @Test
    void aWaitingReaderWinsOverEverythingElse() {
        Burst readerWaiting = new Burst(true, 3, 2);
        assertEquals(CoalescingRule.Decision.SEND_FOR_READER, CoalescingRule.onWrite(readerWaiting, true, 1400, 10,
                BOUND), "nothing may wait behind a reader that already waits");
    }

    @Test
    void theLoneFirstWriteAfterAOneWriteBurstGoesAtOnce() {
        assertEquals(CoalescingRule.Decision.SEND_LONE_WRITE, CoalescingRule.onWrite(new Burst(false, 1, 1), false,
                0, 10, BOUND));
        assertEquals(CoalescingRule.Decision.BUFFER, CoalescingRule.onWrite(new Burst(false, 1, 2), false, 0, 10,
                BOUND), "a request written in pieces is coalesced");
    }

    @Test
    void afterOutputEndedEveryWriteGoesThrough() {
        assertEquals(CoalescingRule.Decision.SEND_OUTPUT_ENDED, CoalescingRule.onWrite(MID_BURST, true, 0, 10, BOUND));
    }
}
