package dev.tinygram.core;

/** A segment we sent and the core's estimate of when its ACK comes back. */
final class Segment {
    final long bytes;
    final long sentAt;
    final boolean small;
    /** When the peer sends the ACK that covers this segment (peer's view, our clock). */
    long peerAcksAt;
    /** Whether that ACK waits for the peer's delayed-ACK timer. */
    boolean ackDelayed;

    Segment(long bytes, long sentAt, boolean small) {
        this.bytes = bytes;
        this.sentAt = sentAt;
        this.small = small;
    }

    long arrivesAtPeer(long oneWayNanos) {
        return sentAt + oneWayNanos;
    }

    long ackArrivesAt(long oneWayNanos) {
        return peerAcksAt + oneWayNanos;
    }
}
