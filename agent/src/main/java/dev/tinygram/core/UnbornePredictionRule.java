package dev.tinygram.core;

/**
 * When the waits keep saying no: a connection whose predicted delayed-ACK stalls clear at once, several in a row,
 * has a peer that ACKs these bursts promptly, whatever the model's rules say (its ACK came in between our writes,
 * or the peer runs {@code TCP_QUICKACK}, or its stack differs). The model then takes that peer's ACK as prompt, and
 * stops predicting stalls the kernel does not have; a real one still shows in the wait ({@link MeasuredStallRule}),
 * and puts the rules back in force.
 */
final class UnbornePredictionRule {
    private UnbornePredictionRule() {}

    /** Predictions cleared in a row before the peer is taken to ACK at once. */
    static final int CLEARED_IN_A_ROW = 3;

    /** The read waited less than a tenth of the predicted stall beyond the round trip: nothing was held for long. */
    static boolean clearedAtOnce(long waitNanos, long rttNanos, long predictedStallNanos) {
        return waitNanos - rttNanos < predictedStallNanos / 10;
    }

    static boolean peerAcksPromptlyHere(int clearedInARow) {
        return clearedInARow >= CLEARED_IN_A_ROW;
    }
}
