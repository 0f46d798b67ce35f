package dev.tinygram.observe;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A stream's writes summed past its connection's lock: while open, a write adds itself with one compare-and-set
 * ({@link #add}). Only its owner opens it ({@link #open}) and closes it ({@link #close}), under the owner's lock,
 * so a write is either in the sum a close takes or refused, and then made in full under the lock.
 *
 * <p>One packed word: bits 0 to 39 the bytes summed, 40 to 47 how many more writes it takes, 48 to 55 how many it
 * took when opened; 0 is closed. At most {@value #MAX_WRITES} writes of at most 2^31 - 1 bytes each fit.
 */
final class StreamSum {
    static final int MAX_WRITES = 255;

    private static final int LEFT_SHIFT = 40;
    private static final int OPENED_WITH_SHIFT = 48;
    private static final long BYTES_MASK = (1L << LEFT_SHIFT) - 1;
    private static final long ONE_LEFT = 1L << LEFT_SHIFT;
    private static final VarHandle WORD;

    static {
        try {
            WORD = MethodHandles.lookup().findVarHandle(StreamSum.class, "word", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long word;

    /** Adds one write, true; false if closed, full, or a write too large to sum (the caller makes it in full). */
    boolean add(long bytes) {
        long open = word;
        if (left(open) == 0 || bytes < 0 || bytes > Integer.MAX_VALUE) return false;
        return WORD.compareAndSet(this, open, open - ONE_LEFT + bytes);
    }

    /** Under the owner's lock: opens for {@code writes} more writes (1 to {@value #MAX_WRITES}). */
    void open(int writes) {
        if (writes < 1 || writes > MAX_WRITES) throw new IllegalArgumentException("writes: " + writes);
        word = (long) writes << OPENED_WITH_SHIFT | (long) writes << LEFT_SHIFT;
    }

    /** Under the owner's lock: closes, and returns what was summed since it opened (nothing if it was closed). */
    Taken close() {
        if (word == 0) return Taken.NOTHING;   // only the owner opens it, and the owner holds its lock
        long closed = (long) WORD.getAndSet(this, 0L);
        return new Taken(writesIn(closed), closed & BYTES_MASK);
    }

    /** The writes summed so far and still here (a read of the moment: a racing add may follow). */
    int writes() {
        return writesIn(word);
    }

    private static int writesIn(long w) {
        return (int) (w >>> OPENED_WITH_SHIFT & 0xFF) - left(w);
    }

    private static int left(long w) {
        return (int) (w >>> LEFT_SHIFT & 0xFF);
    }

    /** What a close took. */
    record Taken(int writes, long bytes) {
        static final Taken NOTHING = new Taken(0, 0);
    }
}
