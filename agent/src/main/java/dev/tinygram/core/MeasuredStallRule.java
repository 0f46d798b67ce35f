package dev.tinygram.core;

/**
 * A delayed-ACK stall the model did not predict, told by the wait alone.
 *
 * <p>The model cannot see the kernel's timing to the microsecond. Seen on loopback with writes of 65536 B (just past
 * the MSS of 65483): when an ACK comes in between two writes, the rest of the earlier write leaves alone as a
 * small segment instead of being topped up by the next write; each later write then ends in such a segment too,
 * and the burst's last partial segment waits behind the previous one (Minshall's rule) for an ACK the peer delays.
 * Whether that happens depends on a pause of the writing thread between two writes (350 us in a capture, where the
 * writes are usually 10 to 20 us apart), so the model predicts no stall, and the kernel stalls a few requests in a
 * thousand.
 *
 * <p>A wait counts only when all of these hold, so a merely slow peer is none of them: the burst had a held write
 * (Nagle was in play), the connection's answers before were quick, and the wait beyond the round trip is the peer's
 * delayed-ACK timer (the same band as an inbound stall's, {@link InboundModel}).
 */
final class MeasuredStallRule {
    private MeasuredStallRule() {}

    /** Quick answers in a row before a slow one can be taken for a stall rather than for the peer's pace. */
    static final int QUICK_ANSWERS_BEFORE = 3;

    /** An answer is quick when it comes within a quarter of the delayed-ACK timer beyond the round trip. */
    static boolean isQuickAnswer(long answerNanos, long rttNanos, long delayedAckNanos) {
        return answerNanos - rttNanos < delayedAckNanos / 4;
    }

    /** The peer usually answers at once: a wait of a timer's length is then not its own pace. */
    static boolean peerUsuallyQuick(int quickAnswersInARow) {
        return quickAnswersInARow >= QUICK_ANSWERS_BEFORE;
    }

    /** The wait beyond the round trip is the peer's delayed-ACK timer: at least 90 % of it, at most 25 ms over. */
    static boolean waitIsDelayedAckTimer(long waitNanos, long rttNanos, long delayedAckNanos) {
        long beyondPath = waitNanos - rttNanos;
        return beyondPath >= InboundModel.CONFIRM_LOW_TENTHS * delayedAckNanos / 10
                && beyondPath <= delayedAckNanos + InboundModel.CONFIRM_SLACK_NANOS;
    }

    /** All of the above, for a read whose prediction was not a delayed-ACK stall. */
    static boolean measuredStall(boolean heldInBurst, boolean predictedStall, int quickAnswersInARow, long waitNanos,
                                 long rttNanos, long delayedAckNanos) {
        return heldInBurst && !predictedStall && peerUsuallyQuick(quickAnswersInARow)
                && waitIsDelayedAckTimer(waitNanos, rttNanos, delayedAckNanos);
    }
}
