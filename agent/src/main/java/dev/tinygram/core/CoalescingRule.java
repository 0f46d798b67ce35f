package dev.tinygram.core;

/**
 * User-space Nagle, done right: the rule tinygram's coalescing follows, as small named predicates beside the
 * kernel's, and the one decision they make for each write ({@link #onWrite}). Where the kernel holds a partial
 * segment until an ACK that may be delayed, coalescing holds it only until the application waits for an answer,
 * the buffer fills a segment, or a short, bounded delay passes.
 *
 * <pre>
 * a write arrives, and ...                        | decision
 * ------------------------------------------------+---------------------------------------------
 * a reader already waits for the answer           | SEND_FOR_READER: send the buffer, write through
 * it starts a burst after a one-write burst       | SEND_LONE_WRITE: send the buffer, write through
 * output ended (close, shutdown, mode change)     | SEND_OUTPUT_ENDED: send the buffer, write through
 * it is a segment or more by itself               | SEND_LARGE_WRITE: send the buffer, write through
 * it would fill a segment with what is buffered   | SEND_THEN_BUFFER: send the buffer, then buffer it
 * otherwise                                       | BUFFER
 * </pre>
 */
public final class CoalescingRule {
    private CoalescingRule() {}

    /** What to do with one write; every decision but {@link #BUFFER} sends what is buffered first. */
    public enum Decision {
        SEND_FOR_READER(true),
        SEND_LONE_WRITE(true),
        SEND_OUTPUT_ENDED(true),
        SEND_LARGE_WRITE(true),
        SEND_THEN_BUFFER(false),
        BUFFER(false);

        private final boolean writesThrough;

        Decision(boolean writesThrough) {
            this.writesThrough = writesThrough;
        }

        /** The write itself goes to the kernel as it is, uncopied, after what was buffered. */
        public boolean writesThrough() {
            return writesThrough;
        }
    }

    /** The decision for a write of {@code writeBytes} arriving with {@code bufferedBytes} held. */
    public static Decision onWrite(Burst burst, boolean outputEnded, long bufferedBytes, long writeBytes, int bound) {
        if (burst.readerWaiting()) return Decision.SEND_FOR_READER;
        if (sendsAtOnce(burst.starts(), burst.previousWrites())) return Decision.SEND_LONE_WRITE;
        if (outputEnded) return Decision.SEND_OUTPUT_ENDED;
        if (passesThrough(writeBytes, bound)) return Decision.SEND_LARGE_WRITE;
        if (fillsSegment(bufferedBytes, writeBytes, bound)) return Decision.SEND_THEN_BUFFER;
        return Decision.BUFFER;
    }

    /** A write of at least one segment gains nothing from buffering: send it as it is, without copying it. */
    public static boolean passesThrough(long writeBytes, int bound) {
        return NagleRule.isFullSegment(writeBytes, bound);
    }

    /** What is buffered and this write would fill a segment: send the buffer first. */
    public static boolean fillsSegment(long bufferedBytes, long writeBytes, int bound) {
        return NagleRule.isFullSegment(bufferedBytes + writeBytes, bound);
    }

    /**
     * The first write after the application's last read, on a connection whose last burst (its writes between two
     * reads) was that one write alone: nothing is likely to join it, so holding it until the next read would only
     * delay it. Nagle too sends such a write at once, nothing being unacknowledged. A server whose every response
     * is one write keeps its latency; a client that writes a request in pieces is still coalesced.
     */
    public static boolean sendsAtOnce(boolean startsBurst, int previousBurstWrites) {
        return startsBurst && previousBurstWrites == 1;
    }

    /** Buffered bytes have waited their longest. */
    public static boolean overdue(long firstBufferedAt, long now, long maxDelayNanos) {
        return now - firstBufferedAt >= maxDelayNanos;
    }
}
