package dev.tinygram.fix;

import static org.junit.jupiter.api.Assertions.*;

import dev.tinygram.core.Burst;
import dev.tinygram.fix.CoalesceStats.Cause;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A channel's cork, one test per row of its class comment, with a recording switch and a clock the test moves. */
class ChannelCorkTest {
    private static final int MSS = 1000;
    private static final long MAX_DELAY = TimeUnit.MILLISECONDS.toNanos(5);

    private final Object channel = new Object();
    private final List<Boolean> calls = new CopyOnWriteArrayList<>();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final CoalesceStats stats = new CoalesceStats();
    private final Corks corks = new Corks() {
        @Override
        public boolean available() {
            return true;
        }

        @Override
        public boolean set(Object c, boolean on) {
            assertSame(channel, c);
            calls.add(on);
            return true;
        }
    };
    /** A timer that never fires by itself within a test: ticks are driven by {@link ChannelCork#flushIfOverdue}. */
    private final FlushTimer timer = new FlushTimer(TimeUnit.HOURS.toNanos(1));
    private final ChannelCork cork = new ChannelCork(corks, MSS, MAX_DELAY, timer, stats, clock::get);

    private static Burst write(int n, int previous) {
        return new Burst(false, n, previous);
    }

    @Test
    void aBurstOfSmallWritesIsCorkedOnceAndTheReadUncorksIt() {
        cork.writing(channel, 16, write(1, 2));
        cork.writing(channel, 100, write(2, 2));
        assertEquals(List.of(true), calls, "corked at the first write, once");
        assertTrue(cork.corked());
        cork.waiting(channel);
        assertEquals(List.of(true, false), calls);
        assertFalse(cork.corked());
        assertEquals(2, stats.writesBuffered());
        assertEquals(116, stats.bytesBuffered());
        assertEquals(1, stats.flushes(Cause.READ));
    }

    @Test
    void aLoneWriteAfterAOneWriteBurstIsNotCorked() {
        cork.writing(channel, 100, write(1, 1));
        assertEquals(List.of(), calls, "a server's one-write answer goes at once");
    }

    @Test
    void aWriteOfASegmentOrMoreUncorksFirstAndGoesUncorked() {
        cork.writing(channel, 16, write(1, 2));
        cork.writing(channel, MSS, write(2, 2));
        assertEquals(List.of(true, false), calls);
        assertEquals(1, stats.flushes(Cause.LARGE_WRITE));
    }

    @Test
    void aReaderAlreadyWaitingGetsTheBurstAtOnce() {
        cork.writing(channel, 16, new Burst(true, 1, 2));
        assertEquals(List.of(), calls);
    }

    @Test
    void maxDelayUncorksFromTheTimer() {
        cork.writing(channel, 16, write(1, 2));
        assertFalse(cork.flushIfOverdue(channel), "not yet: keep watching");
        clock.addAndGet(MAX_DELAY);
        assertTrue(cork.flushIfOverdue(channel));
        assertEquals(List.of(true, false), calls);
        assertEquals(1, stats.flushes(Cause.DELAY));
        assertTrue(cork.flushIfOverdue(channel), "nothing held: stop watching");
        assertEquals(2, calls.size(), "and no second uncork");
    }

    @Test
    void closeUncorksAndNothingIsSetAfterIt() {
        cork.writing(channel, 16, write(1, 2));
        cork.ending(channel, Cause.CLOSE);
        assertEquals(List.of(true, false), calls);
        cork.writing(channel, 16, write(1, 2));
        cork.waiting(channel);
        clock.addAndGet(MAX_DELAY);
        cork.flushIfOverdue(channel);
        assertEquals(List.of(true, false), calls, "the descriptor may belong to another connection by now");
    }

    @Test
    void aChannelWithoutADescriptorIsNotCorkedAndItsWriteGoesAsItIs() {
        Corks refusing = new Corks() {
            @Override
            public boolean available() {
                return true;
            }

            @Override
            public boolean set(Object c, boolean on) {
                calls.add(on);
                return false;
            }
        };
        ChannelCork c = new ChannelCork(refusing, MSS, MAX_DELAY, timer, stats, clock::get);
        c.writing(channel, 16, write(1, 2));
        assertFalse(c.corked());
        c.waiting(channel);
        assertEquals(List.of(true), calls, "no uncork for a cork never set");
    }
}
