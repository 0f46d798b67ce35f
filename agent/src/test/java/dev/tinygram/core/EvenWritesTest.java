package dev.tinygram.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ConnectionModel#onEvenWritesHeld}: a stream's writes summed without the clock, given to the model as
 * evenly spread. For writes that really were even, the model must end exactly where the same writes given one by
 * one, each with its own time, leave it: the same segments at the same times, so the same held bytes, bytes in
 * flight, and prediction at the next read.
 */
class EvenWritesTest {
    private static final Profile[] PROFILES = {Profile.LINUX, Profile.RFC896, Profile.WINDOWS};

    /** A model, then a burst's first writes one by one (as the agent gives them before a burst is a stream). */
    private record Case(Profile profile, int mss, double rttMs, boolean fresh, int leadWrites, int writes,
                        int writeBytes, long gapNanos, int sums) {
        ConnectionModel model() {
            return fresh ? Models.fresh(profile, mss, rttMs) : Models.established(profile, mss, rttMs);
        }
    }

    @Test
    void evenWritesSummedEndWhereTheSameWritesOneByOneEnd() {
        SplittableRandom random = new SplittableRandom(14);
        for (int i = 0; i < 2_000; i++) {
            Case c = new Case(PROFILES[random.nextInt(PROFILES.length)],
                    random.nextBoolean() ? Models.ETHERNET_MSS : Models.LOOPBACK_MSS,
                    random.nextBoolean() ? 0.05 : 0.2 + random.nextInt(40),
                    random.nextBoolean(), random.nextInt(65), 1 + random.nextInt(64),
                    1 + random.nextInt(random.nextBoolean() ? 200 : 3_000),
                    random.nextBoolean() ? 500 + random.nextInt(2_000) : 1_000 + random.nextInt(2_000_000),
                    1 + random.nextInt(8));
            compare(c);
        }
    }

    /** bulk-stream's own case: 80 B writes every 0.5 us on loopback, summed 64 at a time, two million of them. */
    @Test
    void aLongLoopbackStreamOfSmallWrites() {
        compare(new Case(Profile.LINUX, Models.LOOPBACK_MSS, 0.05, true, 64, 64, 80, 500, 30_000));
    }

    private static void compare(Case c) {
        ConnectionModel oneByOne = c.model();
        ConnectionModel summed = c.model();
        long t = 0;
        if (c.leadWrites() == 0) {   // the sum starts the burst: it is spread from the model's last event, a read
            oneByOne.onReadStart(t);
            oneByOne.onReadEnd(t, 1);
            summed.onReadStart(t);
            summed.onReadEnd(t, 1);
            t += c.gapNanos();
        }
        for (int i = 0; i < c.leadWrites(); i++, t += c.gapNanos()) {
            oneByOne.onWriteHeld(t, c.writeBytes());
            summed.onWriteHeld(t, c.writeBytes());
        }
        t -= c.gapNanos();
        for (int sum = 0; sum < c.sums(); sum++) {
            for (int i = 1; i <= c.writes(); i++) {
                oneByOne.onWriteHeld(t + i * c.gapNanos(), c.writeBytes());
            }
            t += c.writes() * c.gapNanos();
            boolean held = summed.onEvenWritesHeld(t, c.writes(), (long) c.writes() * c.writeBytes());
            assertEquals(oneByOne.heldBytes() > 0, held, c.toString());
            assertEquals(oneByOne.heldBytes(), summed.heldBytes(), "held bytes after sum " + sum + ": " + c);
            assertEquals(oneByOne.bytesInFlight(), summed.bytesInFlight(), "in flight after sum " + sum + ": " + c);
        }
        long readAt = t + c.gapNanos();
        assertEquals(oneByOne.onReadStart(readAt), summed.onReadStart(readAt), "the read's prediction: " + c);
        // The answer: what it confirms, and what it teaches of the round trip (which weighs when the burst began)
        long answerAt = readAt + Models.ms(c.rttMs()) + c.gapNanos();
        assertEquals(oneByOne.onReadEnd(answerAt, 10), summed.onReadEnd(answerAt, 10), "the read's outcome: " + c);
        assertEquals(oneByOne.rttNanos(), summed.rttNanos(), "the round trip learnt: " + c);
    }

    /**
     * A stream's writes known only to be made by a read's start, 30 ms after the stream's clocked writes, and an
     * answer 3 us after that read: spread up to the read, they would make the path 3 us; timed from the last write
     * known made, the round trip learnt is an upper bound on the path (above the 20 ms first guessed), as every
     * bound must be. The segments are the same either way.
     */
    @Test
    void writesMadeByAReadsStartNeverMakeThePathShorterThanItIs() {
        ConnectionModel madeBy = Models.established(Profile.LINUX, Models.ETHERNET_MSS, 20);
        ConnectionModel madeAt = Models.established(Profile.LINUX, Models.ETHERNET_MSS, 20);
        for (int i = 0; i < 64; i++) {
            madeBy.onWriteHeld(i * 1_000L, 80);
            madeAt.onWriteHeld(i * 1_000L, 80);
        }
        long read = Models.ms(30);
        assertEquals(madeAt.onEvenWritesHeld(read, 30, 2_400), madeBy.onEvenWritesMadeBy(read, 30, 2_400));
        assertEquals(madeAt.heldBytes(), madeBy.heldBytes(), "spread alike");
        assertEquals(madeAt.bytesInFlight(), madeBy.bytesInFlight());
        madeAt.onReadStart(read);
        madeBy.onReadStart(read);
        madeAt.onReadEnd(read + 3_000, 10);
        madeBy.onReadEnd(read + 3_000, 10);
        assertEquals(3_000, madeAt.rttNanos(), "writes made at the read's start: the answer came 3 us after");
        assertEquals(read + 3_000 - 63_000, madeBy.rttNanos(), "from the last write known made, at 63 us");
        assertTrue(madeBy.rttNanos() > Models.ms(20));
    }

    @Test
    void aWriteThatWouldLeaveAtOnceLeavesAtItsOwnTime() {
        // Nothing in flight: the first of the summed writes goes at once, the rest wait behind it.
        ConnectionModel m = Models.established(Profile.RFC896, Models.ETHERNET_MSS, 10);
        assertTrue(m.onEvenWritesHeld(Models.ms(1), 10, 1_000));
        assertEquals(900, m.heldBytes(), "only the first write's 100 B left");
        assertEquals(100, m.bytesInFlight());
    }

    @Test
    void writesSpreadPastAnAckLetTheHeldBytesGoThere() {
        ConnectionModel m = Models.fresh(Profile.LINUX, Models.ETHERNET_MSS, 1);
        m.onWriteHeld(0, 100);   // in flight, its ACK back after 1 ms (a new connection's peer quick-acks)
        // 10 writes of 100 B over 2 ms, one every 0.2 ms: the four before the ACK are held; the ACK lets them go
        // at 1 ms, the write made then waits behind them, and so on.
        m.onEvenWritesHeld(Models.ms(2), 10, 1_000);
        assertEquals(100, m.heldBytes(), "what was held left at the ACK: " + m.heldBytes());
        assertEquals(500, m.bytesInFlight(), "the four held before it, and the one made at it, in flight");
    }

    @Test
    void badCountsAreRefusedByName() {
        ConnectionModel m = Models.established(Profile.LINUX, Models.ETHERNET_MSS, 1);
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> m.onEvenWritesHeld(0, 0, 0));
        assertTrue(none.getMessage().contains("writes must be 1 to"), none.getMessage());
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> m.onEvenWritesHeld(0, 2, 5L * Integer.MAX_VALUE));
        assertTrue(tooMany.getMessage().contains("2 writes cannot make"), tooMany.getMessage());
    }

    @Test
    void aSpreadOfDaysKeepsItsWritesInOrderAndApart() {
        ConnectionModel m = Models.established(Profile.LINUX, Models.ETHERNET_MSS, 1);
        m.onWriteHeld(0, 10);
        // 32,768 writes over months (taken as the last 39 hours): seconds apart, each ACKed long before the next,
        // so each leaves alone and nothing is held. Times that overflowed would bunch them up behind one another.
        assertFalse(m.onEvenWritesHeld(Long.MAX_VALUE / 2, ConnectionModel.MAX_EVEN_WRITES, 1_000_000));
        assertEquals(0, m.heldBytes());
        assertTrue(m.bytesInFlight() <= 31, "only the last write in flight: " + m.bytesInFlight());
    }
}
