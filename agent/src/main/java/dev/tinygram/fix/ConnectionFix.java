package dev.tinygram.fix;

import dev.tinygram.conn.Endpoint;
import dev.tinygram.conn.FixAction;

/**
 * The fix layer's state of one connection: what tinygram does on it, its coalescer if it has one, TCP_NODELAY as
 * the application set it (to give back when tinygram lets go), and the {@link Fixer} it was last set up by. Only
 * a {@link Fixer} changes it. Like observe's state, it never references the JDK socket.
 */
public final class ConnectionFix {
    final Endpoint endpoint;
    private volatile FixAction action = FixAction.NONE;
    private volatile Coalescer coalescer;
    /** A channel's coalescing in the kernel (JDK 22+), instead of a coalescer. */
    private volatile ChannelCork cork;
    /** The kit and bound the coalescer was built with: a fixer with others replaces it. */
    private Coalescing coalescerKit;
    private int coalescerBound;
    private boolean appNodelay;
    private volatile Fixer settledBy;
    /** An inbound stall was found here: quickack=flagged re-arms TCP_QUICKACK from now on. */
    private volatile boolean inboundFlagged;

    public ConnectionFix(Endpoint endpoint) {
        this.endpoint = endpoint;
        this.appNodelay = endpoint.nodelay();
    }

    /** What tinygram does on this connection now. */
    public FixAction action() {
        return action;
    }

    /** Whether an inbound stall was found on this connection. */
    public boolean inboundFlagged() {
        return inboundFlagged;
    }

    void flagInbound() {
        inboundFlagged = true;
    }

    /** Whether {@code fixer} has set this connection up already. */
    public boolean settledBy(Fixer fixer) {
        return settledBy == fixer;
    }

    Coalescer coalescer() {
        return coalescer;
    }

    ChannelCork cork() {
        return cork;
    }

    /** Whether tinygram corks this channel's bursts: its writes, reads and selects must come in. */
    public boolean corking() {
        return cork != null;
    }

    // ---- changed by a Fixer only -----------------------------------------------------------------------------

    /** Whether it has a coalescer, maybe one being retired: every write and read must then go through it. */
    public boolean coalescing() {
        return coalescer != null;
    }

    /**
     * Claims the connection for {@code fixer}; false when it had it already (another thread was first), or a later
     * fixer has it (an event that entered before an option change is finishing with the old fixer).
     */
    synchronized boolean claim(Fixer fixer) {
        Fixer current = settledBy;
        if (current == fixer || (current != null && current.generation() > fixer.generation())) return false;
        settledBy = fixer;
        return true;
    }

    synchronized boolean appNodelay() {
        return appNodelay;
    }

    synchronized void appNodelay(boolean on) {
        appNodelay = on;
    }

    synchronized void fixedWith(FixAction what) {
        action = what;
    }

    /** Installs {@code c}, unless a later fixer has claimed the connection meanwhile (then {@code c}, empty, is dropped). */
    synchronized void coalesceWith(Fixer by, Coalescer c, Coalescing kit, int bound) {
        if (settledBy != by) return;
        coalescer = c;
        coalescerKit = kit;
        coalescerBound = bound;
        action = FixAction.COALESCED;
    }

    /** Installs {@code c}, unless a later fixer has claimed the connection meanwhile. */
    synchronized void corkWith(Fixer by, ChannelCork c) {
        if (settledBy != by) return;
        cork = c;
        action = FixAction.COALESCED;
    }

    /** {@code dropped} was uncorked for good: the channel keeps TCP_NODELAY alone, if it is fixed at all. */
    synchronized void dropCork(ChannelCork dropped) {
        if (cork != dropped) return;
        cork = null;
        if (action == FixAction.COALESCED) action = FixAction.NODELAY;
    }

    synchronized boolean coalescesWith(Coalescing kit, int bound) {
        return coalescer != null && kit.equals(coalescerKit) && coalescerBound == bound;
    }

    /**
     * {@code retired} was retired: the connection is fixed with TCP_NODELAY alone, if at all. A coalescer set up
     * meanwhile by a newer fixer stays.
     */
    synchronized void dropCoalescer(Coalescer retired) {
        if (coalescer != retired) return;
        coalescer = null;
        coalescerKit = null;
        if (action == FixAction.COALESCED) action = FixAction.NODELAY;
    }

    /** tinygram no longer fixes this connection; the socket is back to the application's own setting. */
    synchronized void unfixed() {
        action = FixAction.NONE;
        coalescer = null;
        coalescerKit = null;
        cork = null;
    }
}
