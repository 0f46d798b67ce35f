package dev.tinygram.core;

import java.util.Locale;

/**
 * How a read ended, against what was predicted when it started.
 *
 * @param prediction what the core predicted at the start of this read
 * @param waitNanos  the measured wait
 * @param confirmed  a stall was predicted and the wait beyond the path's round trip is near the peer's delayed-ACK
 *                   timer; or, where the model predicted none, the wait alone showed one ({@link MeasuredStallRule})
 * @param predicted  whether the model predicted what {@code prediction} says; false for a stall only the wait showed,
 *                   whose {@code prediction} then carries the measured cost and no predicted wait
 */
public record ReadOutcome(StallPrediction prediction, long waitNanos, boolean confirmed, boolean predicted) {

    /** As the model predicted it. */
    public ReadOutcome(StallPrediction prediction, long waitNanos, boolean confirmed) {
        this(prediction, waitNanos, confirmed, true);
    }

    /** A delayed-ACK stall the model did not predict, that the wait showed: it cost {@code lostNanos}. */
    static ReadOutcome measuredStall(long lostNanos, long waitNanos, boolean peerInteractive, int peerRcvMss,
                                     long delayedAckNanos) {
        StallPrediction measured = new StallPrediction(HoldKind.DELAYED_ACK, lostNanos, 0, 0, 0, 0, peerInteractive,
                peerRcvMss, delayedAckNanos);
        return new ReadOutcome(measured, waitNanos, true, false);
    }

    /** One sentence: the prediction's reason, or what the wait showed. */
    public String reason() {
        if (predicted) return prediction.reason();
        return String.format(Locale.ROOT, "not predicted: the read waited the peer's %.0f ms delayed-ACK"
                + " timer beyond the round trip, where this connection's answers are otherwise quick; the tail of the"
                + " burst was held behind a small segment the kernel sent on its own (an ACK came in between two"
                + " writes, so the rest of a write left alone), which the peer did not ACK at once",
                prediction.delayedAckNanos() / 1e6);
    }
    public double waitMs() {
        return waitNanos / 1e6;
    }
}
