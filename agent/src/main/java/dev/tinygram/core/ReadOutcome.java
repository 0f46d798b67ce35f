package dev.tinygram.core;

/**
 * How a read ended, against what was predicted when it started.
 *
 * @param prediction what the core predicted at the start of this read
 * @param waitNanos  the measured wait
 * @param confirmed  a stall was predicted and the wait beyond the path's round trip is near the peer's delayed-ACK
 *                   timer
 */
public record ReadOutcome(StallPrediction prediction, long waitNanos, boolean confirmed) {
    public double waitMs() {
        return waitNanos / 1e6;
    }
}
