package dev.tinygram.conn;

/** Which end of the connection this JVM is, as tinygram first saw it. */
public enum Role {
    /** It connected: the application is the client. */
    CLIENT("client"),
    /** It accepted: the application is the server. */
    SERVER("server"),
    /** First seen in use (tinygram attached later): unknown. */
    UNKNOWN("unknown");

    private final String label;

    Role(String label) {
        this.label = label;
    }

    /** The name in reports and JFR events. */
    public String label() {
        return label;
    }

    /** Seen from its start, connect or accept: the peer quick-acks its first segments. */
    public boolean seenFromStart() {
        return this != UNKNOWN;
    }
}
