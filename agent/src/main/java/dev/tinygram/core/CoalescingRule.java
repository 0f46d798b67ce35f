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

    /** Buffered bytes have waited their longest. */
    public static boolean overdue(long firstBufferedAt, long now, long maxDelayNanos) {
        return now - firstBufferedAt >= maxDelayNanos;
    }
}
