package dev.tinygram.core;

/**
 * User-space Nagle, done right: the rule tinygram's coalescing follows, as small named predicates beside the
 * kernel's. Where the kernel holds a partial segment until an ACK that may be delayed, coalescing holds it only
 * until the application waits for an answer, the buffer fills a segment, or a short, bounded delay passes.
 */
public final class CoalescingRule {
    private CoalescingRule() {}

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
