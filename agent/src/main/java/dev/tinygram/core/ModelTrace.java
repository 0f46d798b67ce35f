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

    /**
     * A segment of {@code bytes} reaches the peer at {@code arrivedAt}; it ACKs at {@code acksAt}, at once or when
     * its delayed-ACK timer fires.
     */
    default void peerReceives(long arrivedAt, long bytes, long acksAt, boolean delayed, String why) {}

    /** The peer entered ({@code interactive}) or left interactive (pingpong) mode, and why. */
    default void peerMode(long at, boolean interactive, String why) {}

    /** An ACK reached us and freed {@code bytes} of in-flight data. */
    default void ackArrived(long at, long bytes) {}
}
