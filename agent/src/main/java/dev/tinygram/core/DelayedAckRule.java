package dev.tinygram.core;

/**
 * The receiving peer's rule for ACKing at once, after Linux's {@code __tcp_ack_snd_check} and
 * {@code tcp_in_quickack_mode}, and the RFC 1122 and Windows variants.
 */
final class DelayedAckRule {
    private DelayedAckRule() {}

    /** Quick-ack mode: at the start of a connection, before the peer turns interactive, it ACKs every segment. */
    static boolean inQuickAckMode(int quickAcksLeft, boolean peerInteractive) {
        return quickAcksLeft > 0 && !peerInteractive;
    }

    /** Enough unacknowledged data has arrived at the peer that its profile ACKs at once. */
    static boolean enoughUnackedToAckAtOnce(AckRule rule, long unackedBytes, int unackedSegments,
                                             int unackedFullSegments, int rcvMss) {
        switch (rule) {
            case MORE_THAN_ONE_RCV_MSS_UNACKED: return unackedBytes > rcvMss;
            case EVERY_SECOND_FULL_SEGMENT: return unackedFullSegments >= 2;
            case EVERY_SECOND_SEGMENT: return unackedSegments >= 2;
            default: throw new AssertionError(rule);
        }
    }

    /**
     * {@code tcp_cleanup_rbuf}: out of pingpong mode, a pushed segment smaller than {@code rcv_mss} (ICSK_ACK_PUSHED)
     * is ACKed as soon as the peer's application reads it and so empties the receive queue. The peer's application
     * is taken to be waiting in a read: it cannot answer before it has the whole request.
     */
    static boolean acksPushedSegmentWhenRead(boolean peerInteractive, long segmentBytes, int rcvMss) {
        return !peerInteractive && segmentBytes < rcvMss;
    }

    /**
     * {@code tcp_event_data_sent}: a peer that sends data within its delayed-ACK time ({@code ato}) of the last
     * segment it received enters pingpong mode.
     */
    static boolean answersQuickly(long sinceLastReceivedNanos, long delayedAckNanos) {
        return sinceLastReceivedNanos < delayedAckNanos;
    }

    /** {@code tcp_measure_rcv_mss}: the peer's estimate grows to the largest segment it receives, up to the MSS. */
    static int measureRcvMss(int rcvMss, long segmentBytes, int mss) {
        return segmentBytes >= rcvMss ? (int) Math.min(segmentBytes, mss) : rcvMss;
    }
}
