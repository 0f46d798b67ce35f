package dev.tinygram.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamSumTest {

    @Test
    void closedItTakesNothingAndGivesNothing() {
        StreamSum sum = new StreamSum();
        assertFalse(sum.add(80), "closed until its owner opens it");
        assertEquals(StreamSum.Taken.NOTHING, sum.close());
        assertEquals(0, sum.writes());
    }

    @Test
    void openItTakesAsManyWritesAsItWasOpenedForAndGivesThemAllBackOnce() {
        StreamSum sum = new StreamSum();
        sum.open(3);
        assertTrue(sum.add(80));
        assertTrue(sum.add(Integer.MAX_VALUE));
        assertEquals(2, sum.writes());
        assertTrue(sum.add(1));
        assertFalse(sum.add(1), "full: the fourth write is made in full");
        assertEquals(new StreamSum.Taken(3, 80L + Integer.MAX_VALUE + 1), sum.close());
        assertEquals(StreamSum.Taken.NOTHING, sum.close(), "taken once");
        assertFalse(sum.add(1), "closed again");
    }

    @Test
    void aWriteTooLargeToSumIsRefused() {
        StreamSum sum = new StreamSum();
        sum.open(StreamSum.MAX_WRITES);
        assertFalse(sum.add(Integer.MAX_VALUE + 1L));
        assertFalse(sum.add(-1));
        assertEquals(0, sum.writes());
        for (int i = 0; i < StreamSum.MAX_WRITES; i++) assertTrue(sum.add(Integer.MAX_VALUE), "write " + i);
        assertEquals(new StreamSum.Taken(StreamSum.MAX_WRITES, (long) StreamSum.MAX_WRITES * Integer.MAX_VALUE),
                sum.close(), "the most it holds still fits its bytes");
    }

    @Test
    void itOpensOnlyForACountItCanHold() {
        StreamSum sum = new StreamSum();
        assertThrows(IllegalArgumentException.class, () -> sum.open(0));
        assertThrows(IllegalArgumentException.class, () -> sum.open(StreamSum.MAX_WRITES + 1));
    }
}
