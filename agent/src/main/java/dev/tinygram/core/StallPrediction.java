package dev.tinygram.core;

import java.util.Locale;

/**
 * The core's answer when the local side starts waiting to read.
 *
 * @param kind              what the held tail waits for: nothing, an ACK one round trip away, or a delayed ACK
 * @param stallNanos        what the hold costs over writing the burst once: from the burst's last write until the
 *                          ACK that releases the held tail comes back (0 if nothing waits)
 * @param expectedNanos     the predicted wait of this read: what is left of the stall when it starts
 * @param upperBoundNanos   the longest that wait can be, with the peer's timer at its maximum (0 if no stall)
 * @param heldBytes         bytes held by Nagle at the start of the read
 * @param blockingSegmentBytes size of the unacknowledged segment they wait behind (0 if none)
 * @param peerInteractive   whether the peer is in interactive (delayed-ACK) mode
 * @param peerRcvMss        the peer's estimate of a full-sized segment
 * @param delayedAckNanos   the delayed-ACK timer used
 */
public record StallPrediction(HoldKind kind, long stallNanos, long expectedNanos, long upperBoundNanos, long heldBytes,
                              long blockingSegmentBytes, boolean peerInteractive, int peerRcvMss,
                              long delayedAckNanos) {

    /**
     * The {@code minStall} option's default, one millisecond: the least a hold must cost over writing once to be
     * reported, and to flag a connection under {@code scope=flagged}.
     */
    public static final long DEFAULT_MIN_STALL_NANOS = 1_000_000;

    /** An inbound stall that happened: the peer's {@code restBytes} waited behind its {@code pieceBytes}. */
    public static StallPrediction inbound(long expectedNanos, long restBytes, long pieceBytes, int mss,
                                          long delayedAckNanos, long maxDelayedAckNanos) {
        return new StallPrediction(HoldKind.INBOUND_DELAYED_ACK, expectedNanos, expectedNanos,
                expectedNanos + maxDelayedAckNanos - delayedAckNanos, restBytes, pieceBytes, true, mss,
                delayedAckNanos);
    }

    static StallPrediction none(long heldBytes, boolean peerInteractive, int peerRcvMss, long delayedAckNanos) {
        return new StallPrediction(HoldKind.NONE, 0, 0, 0, heldBytes, 0, peerInteractive, peerRcvMss,
                delayedAckNanos);
    }

    /** The read waits for the peer's delayed ACK: the write-write-read stall. */
    public boolean stall() {
        return kind == HoldKind.DELAYED_ACK;
    }

    /** The read waits for held bytes at all: a delayed-ACK stall (either way), or a Nagle hold of about one RTT. */
    public boolean held() {
        return kind != HoldKind.NONE;
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
        if (kind == HoldKind.NONE) {
            return heldBytes == 0 ? "nothing held: every byte written has left"
                    : heldBytes + " B held, but the read will not wait for them";
        }
        if (kind == HoldKind.INBOUND_DELAYED_ACK) {
            return String.format(Locale.ROOT, "the peer's next %d B waited behind its %d B piece for our ACK: this"
                    + " side is interactive and had nothing to send before the whole request, so its ACK waited for"
                    + " the %.0f ms delayed-ACK timer, and the peer's Nagle held the rest until it came",
                    heldBytes, blockingSegmentBytes, delayedAckNanos / 1e6);
        }
        if (kind == HoldKind.NAGLE_HOLD) {
            return String.format(Locale.ROOT, "%d B held behind an unacknowledged %d B segment until its ACK comes"
                    + " back, about one round trip; the peer ACKs it without delay (%s), so no delayed ACK is"
                    + " involved", heldBytes, blockingSegmentBytes, peerInteractive
                            ? "enough unacknowledged to ACK at once, or quick-ack mode"
                            : "out of interactive mode, it ACKs a small segment as its application reads it");
        }
        return String.format(Locale.ROOT,
                "%d B held behind an unacknowledged %d B segment; the peer delays that ACK (%s, too little "
                        + "unacknowledged to ACK at once, rcv_mss %d B) until its %.0f ms delayed-ACK timer, "
                        + "and cannot answer before it has the held bytes",
                heldBytes, blockingSegmentBytes, peerInteractive ? "interactive mode" : "no quick-ack left",
                peerRcvMss, delayedAckNanos / 1e6);
    }
}
