package dev.tinygram.core;

/** What the tail of a request waits for when the application starts to read. */
public enum HoldKind {
    /** Nothing: every byte written has left, or what is held will not make the read wait. */
    NONE("none"),
    /**
     * Nagle holds the tail behind an unacknowledged partial segment whose ACK is not delayed: it waits about one
     * round trip. Worth a report on long paths only, where a round trip is milliseconds.
     */
    NAGLE_HOLD("nagle-hold"),
    /** Nagle holds the tail behind a segment whose ACK the peer delays: the write-write-read stall. */
    DELAYED_ACK("write-write-read"),
    /**
     * The mirror case: the peer's Nagle holds the rest of its request behind a piece whose ACK <em>our</em> side
     * delays. Seen by the receiver: its read waits our delayed-ACK timer plus about one round trip.
     */
    INBOUND_DELAYED_ACK("inbound-write-write-read");

    private final String label;

    HoldKind(String label) {
        this.label = label;
    }

    /** The finding kind, as reports name it. */
    public String label() {
        return label;
    }
}
