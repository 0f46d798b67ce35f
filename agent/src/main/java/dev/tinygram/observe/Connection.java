package dev.tinygram.observe;

import dev.tinygram.core.CoalescingRule;
import dev.tinygram.core.ConnectionModel;
import dev.tinygram.core.ReadOutcome;
import dev.tinygram.core.StallPrediction;
import dev.tinygram.fix.Coalescer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Per-connection state: the decision core's model, and the write burst since the last read. One lock per
 * connection; the JDK object itself is never referenced from here, so the weak map that holds this can let
 * the connection go.
 *
 * <p>The model sees the connection as the application set it up (its own TCP_NODELAY), so that in a fix mode a
 * finding still says what would have stalled; {@link #socketNodelay} is what the socket really has.
 */
final class Connection {
    private static final int MAX_BURST_SIZES = 64;

    final Endpoint endpoint;
    private final ConnectionModel model;
    private final CallSites callSites;

    private boolean socketNodelay;
    private boolean appNodelay;
    private volatile Coalescer coalescer;
    /** The fix policy version this connection was last set up for. */
    volatile int policyVersion = -1;
    /** What tinygram does on this connection: "none", "nodelay" or "coalesced". */
    private String action = "none";

    private long[] burst = new long[4];
    private int burstWrites;
    /** Writes in the burst before this one (between the two reads before), 0 before the first. */
    private int previousBurstWrites;
    private boolean burstNodelay;
    /** Where the first held write of this burst was made, if one was held. */
    private HeldWrite heldWrite;
    /** In a fix mode, the first one, reused. */
    private HeldWrite fixedHeldWrite;
    private boolean reading;
    private StallPrediction readPrediction;

    Connection(Endpoint endpoint, ConnectionModel model, CallSites callSites) {
        this.endpoint = endpoint;
        this.model = model;
        this.callSites = callSites;
        this.socketNodelay = endpoint != null && endpoint.nodelay();
        this.appNodelay = socketNodelay;
    }

    synchronized void write(long now, long bytes) {
        boolean held = model.onWriteHeld(now, bytes);
        if (burstWrites < MAX_BURST_SIZES) {
            if (burstWrites == burst.length) burst = Arrays.copyOf(burst, burst.length * 2);
            burst[burstWrites] = bytes;
        }
        burstWrites++;
        burstNodelay = socketNodelay;
        if (held && heldWrite == null) {
            // In a fix mode nothing stalls, and a stack walk per request would cost more than the request: a
            // connection's later findings reuse its first stack.
            heldWrite = fixedHeldWrite != null ? fixedHeldWrite : HeldWrite.of(callSites.capture());
            if (!action.equals("none")) fixedHeldWrite = heldWrite;
        }
        // A reader blocked on another thread is now waiting for the answer to this burst.
        if (reading) readPrediction = model.onReadStart(now);
    }

    /** The app started waiting to read. Returns the prediction if this is a new wait, else null. */
    synchronized StallPrediction readStart(long now) {
        if (reading) return null;
        reading = true;
        readPrediction = model.onReadStart(now);
        return readPrediction;
    }

    /**
     * mode=coalesce, after {@link #write}: whether the write just made should go out at once, not be buffered:
     * a reader already waits for the answer, or it starts a burst that, like the one before, is likely one write.
     */
    synchronized boolean writeGoesAtOnce() {
        return reading || CoalescingRule.sendsAtOnce(burstWrites == 1, previousBurstWrites);
    }

    /**
     * A read ended; returns a finding if a write of the burst before it was held (whether or not the core
     * predicted a stall: the first exchanges of a connection are quick-acked, for example).
     */
    synchronized Finding readEnd(long now, long bytes) {
        if (!reading) readStart(now);
        Finding finding = null;
        if (heldWrite != null && burstWrites > 1) {
            ReadOutcome outcome = model.onReadEnd(now, bytes);
            long[] sizes = Arrays.copyOf(burst, Math.min(burstWrites, MAX_BURST_SIZES));
            finding = new Finding(Instant.now(), endpoint, burstNodelay, sizes, outcome, heldWrite.stack(),
                    heldWrite.site(), action);
        } else {
            model.onReadEndUnreported(now, bytes);
        }
        reading = false;
        readPrediction = null;
        if (burstWrites > 0) previousBurstWrites = burstWrites;
        burstWrites = 0;
        heldWrite = null;
        return finding;
    }

    /** The application set TCP_NODELAY. */
    synchronized void appNodelay(long now, boolean on) {
        model.onNodelay(now, on);
        socketNodelay = on;
        appNodelay = on;
    }

    /** TCP_NODELAY as the application set it (or found it), whatever tinygram did since. */
    synchronized boolean appNodelay() {
        return appNodelay;
    }

    /** tinygram no longer fixes this connection; the socket is back to the application's own setting. */
    synchronized void unfixed() {
        socketNodelay = appNodelay;
        action = "none";
        fixedHeldWrite = null;
        coalescer = null;
    }

    /** tinygram set TCP_NODELAY on the socket; the model keeps the application's own view. */
    synchronized void fixedWith(String what) {
        socketNodelay = true;
        burstNodelay = true;
        action = what;
    }

    /** mode=coalesce on a socket: its writes go through this coalescer, with TCP_NODELAY on. */
    void coalesceWith(Coalescer coalescer) {
        this.coalescer = coalescer;
        fixedWith("coalesced");
    }

    /** The coalescer was retired (the mode changed): the connection is fixed with TCP_NODELAY alone, if at all. */
    synchronized void dropCoalescer() {
        coalescer = null;
        if (action.equals("coalesced")) action = "nodelay";
    }

    Coalescer coalescer() {
        return coalescer;
    }

    int mss() {
        return model.mss();
    }

    synchronized boolean fixed() {
        return !action.equals("none");
    }

    synchronized void shutdownOutput(long now) {
        model.onShutdownOutput(now);
    }

    /** A write burst is waiting for its answer: an NIO app's select may be the wait. */
    synchronized boolean awaitingAnswer() {
        return burstWrites > 0 && !reading;
    }

    /** A held write's stack, and its call site formatted once, not once per finding. */
    private record HeldWrite(List<StackTraceElement> stack, String site) {
        static HeldWrite of(List<StackTraceElement> stack) {
            return new HeldWrite(stack, CallSites.callSite(stack));
        }
    }
}
