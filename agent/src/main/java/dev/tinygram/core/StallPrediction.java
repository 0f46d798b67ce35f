package dev.tinygram.core;

import java.util.Locale;

/**
 * The core's answer when the local side starts waiting to read.
 *
 * @param stall             whether the read waits for a delayed ACK
 * @param stallNanos        the stall: from when the unacknowledged segment left until its delayed ACK comes
 *                          back and releases the held bytes; at least the peer's delayed-ACK timer (0 if none)
 * @param expectedNanos     the predicted wait of this read: what is left of the stall when it starts
 * @param upperBoundNanos   the longest that wait can be, with the peer's timer at its maximum (0 if no stall)
 * @param heldBytes         bytes held by Nagle at the start of the read
 * @param blockingSegmentBytes size of the unacknowledged segment they wait behind (0 if none)
 * @param peerInteractive   whether the peer is in interactive (delayed-ACK) mode
 * @param peerRcvMss        the peer's estimate of a full-sized segment
 * @param delayedAckNanos   the delayed-ACK timer used
 */
public record StallPrediction(boolean stall, long stallNanos, long expectedNanos, long upperBoundNanos, long heldBytes,
                              long blockingSegmentBytes, boolean peerInteractive, int peerRcvMss,
                              long delayedAckNanos) {

    static StallPrediction none(long heldBytes, boolean peerInteractive, int peerRcvMss, long delayedAckNanos) {
        return new StallPrediction(false, 0, 0, 0, heldBytes, 0, peerInteractive, peerRcvMss, delayedAckNanos);
    }

    public double stallMs() {
        return stallNanos / 1e6;
    }

    public double expectedMs() {
        return expectedNanos / 1e6;
    }

    public double upperBoundMs() {
        return upperBoundNanos / 1e6;
    }

    /** One sentence: which bytes wait, behind what, and why the peer will not ACK at once. */
    public String reason() {
        if (!stall) {
            return heldBytes == 0 ? "nothing held: every byte written has left"
                    : heldBytes + " B held, but the ACK they wait for is not delayed";
        }
        return String.format(Locale.ROOT,
                "%d B held behind an unacknowledged %d B segment; the peer delays that ACK (%s, too little "
                        + "unacknowledged to ACK at once, rcv_mss %d B) until its %.0f ms delayed-ACK timer, "
                        + "and cannot answer before it has the held bytes",
                heldBytes, blockingSegmentBytes, peerInteractive ? "interactive mode" : "no quick-ack left",
                peerRcvMss, delayedAckNanos / 1e6);
    }
}
