package dev.tinygram.core;

/**
 * The sender's rule as small named predicates, after Linux's {@code tcp_nagle_check} and
 * {@code tcp_minshall_check} in net/ipv4/tcp_output.c.
 */
final class NagleRule {
    private NagleRule() {}

    /** A segment of at least one MSS always leaves at once. */
    static boolean isFullSegment(long bytes, int mss) {
        return bytes >= mss;
    }

    /** {@code tcp_minshall_check}: the last partial segment we sent is still unacknowledged. */
    static boolean minshallCheck(Segment lastSmallSegmentUnacked) {
        return lastSmallSegmentUnacked != null;
    }

    /**
     * {@code tcp_nagle_check}: must a partial segment be held? Only with Nagle on and data in flight; under
     * Minshall's variant, only while the last partial segment is unacknowledged.
     */
    static boolean holdsPartialSegment(SenderRule rule, boolean nodelay, boolean packetsInFlight,
                                       Segment lastSmallSegmentUnacked) {
        if (nodelay || !packetsInFlight) return false;
        return rule == SenderRule.RFC896 || minshallCheck(lastSmallSegmentUnacked);
    }
}
