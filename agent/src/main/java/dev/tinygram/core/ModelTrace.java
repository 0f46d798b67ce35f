package dev.tinygram.core;

/**
 * Optional narration of what the model decides, for timelines such as the {@code predict} command's. Times are
 * the model's nanoseconds; a peer event may be announced before its time comes. The agent uses {@link #NONE}.
 */
public interface ModelTrace {
    ModelTrace NONE = new ModelTrace() {};

    /** A segment left; {@code full} when it is a whole MSS. */
    default void segmentSent(long at, long bytes, boolean full) {}

    /** Bytes stay in the send queue. */
    default void held(long at, long bytes, WriteReason why) {}

    /** The peer will ACK at {@code peerAt}: at once, or when its delayed-ACK timer fires. */
    default void peerAcks(long peerAt, boolean delayed, String why) {}

    /** An ACK reached us and freed {@code bytes} of in-flight data. */
    default void ackArrived(long at, long bytes) {}
}
