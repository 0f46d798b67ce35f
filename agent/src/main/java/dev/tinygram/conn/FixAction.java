package dev.tinygram.conn;

/** What tinygram does on one connection now. Findings carry it, so a report says whether a stall was avoided. */
public enum FixAction {
    /** Nothing: the connection is as the application set it up. */
    NONE("none"),
    /** TCP_NODELAY set by tinygram. */
    NODELAY("nodelay"),
    /**
     * TCP_NODELAY set by tinygram under scope=flagged on a connection not flagged itself: another connection from
     * the same call site, or to the same remote, was.
     */
    NODELAY_REMEMBERED("nodelay-remembered"),
    /** Small writes gathered in user space, with TCP_NODELAY on. */
    COALESCED("coalesced");

    private final String label;

    FixAction(String label) {
        this.label = label;
    }

    /** The name in reports, logs and JFR events. */
    public String label() {
        return label;
    }

    /** Whether tinygram changed this connection: TCP_NODELAY is then on, whatever the application set. */
    public boolean fixed() {
        return this != NONE;
    }
}
