package dev.tinygram.core;

/** Why the tail of a write left at once or was held. */
public enum WriteReason {
    /** The data made whole segments only, and those always leave. */
    FULL_SEGMENT("full segments leave at once"),
    /** Nothing was in flight, so a partial segment may leave. */
    NOTHING_IN_FLIGHT("nothing in flight"),
    /** Data is in flight, but the last partial segment was acknowledged (Minshall). */
    MINSHALL_LAST_SMALL_SEGMENT_ACKED("last partial segment already acknowledged (Minshall)"),
    /** TCP_NODELAY is on. */
    NODELAY("TCP_NODELAY"),
    /** Held: the last partial segment sent is unacknowledged (Minshall). */
    HELD_BEHIND_UNACKED_SMALL_SEGMENT("held: last partial segment unacknowledged (Minshall)"),
    /** Held: sent data is unacknowledged (RFC 896). */
    HELD_BEHIND_UNACKED_DATA("held: sent data unacknowledged (RFC 896)");

    private final String description;

    WriteReason(String description) {
        this.description = description;
    }

    public boolean held() {
        return this == HELD_BEHIND_UNACKED_SMALL_SEGMENT || this == HELD_BEHIND_UNACKED_DATA;
    }

    public String description() {
        return description;
    }
}
