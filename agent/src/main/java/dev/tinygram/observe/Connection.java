package dev.tinygram.observe;

import dev.tinygram.conn.Endpoint;
import dev.tinygram.conn.FixAction;
import dev.tinygram.conn.Role;
import dev.tinygram.core.Burst;
import dev.tinygram.core.ConnectionModel;
import dev.tinygram.core.InboundModel;
import dev.tinygram.core.ReadOutcome;
import dev.tinygram.core.StallPrediction;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * What observe sees of one connection: the decision core's model, and the write burst since the last read. One
 * lock per connection; the JDK object itself is never referenced from here, so the weak map that holds this can
 * let the connection go.
 *
 * <p>Observe decides no fix. It is told, with each write and read, what tinygram does on the connection now
 * ({@link FixAction}), because a finding says so, and a fixed connection has TCP_NODELAY on whatever the
 * application set. The model itself sees the connection as the application set it up, so that in a fix mode a
 * finding still says what would have stalled.
 */
public final class Connection {
    private static final int MAX_BURST_SIZES = 64;

    private final Endpoint endpoint;
    private final Role role;
    private final ConnectionModel model;
    /** The mirror case: the peer's pieces and our own delayed ACK. */
    private final InboundModel inbound;
    private final CallSites callSites;

    private boolean appNodelay;

    private long[] burst = new long[4];
    private int burstWrites;
    /** Writes in the burst before this one (between the two reads before), 0 before the first. */
    private int previousBurstWrites;
    /** TCP_NODELAY on the socket when the burst was written. */
    private boolean burstNodelay;
    /** Where the first held write of this burst was made, if one was held. */
    private HeldWrite heldWrite;
    /** While fixed, the first held write's, reused: a stack walk per request would cost more than the request. */
    private HeldWrite fixedHeldWrite;
    private boolean reading;

    public Connection(Endpoint endpoint, Role role, ConnectionModel model, CallSites callSites) {
        this.endpoint = endpoint;
        this.role = role;
        this.model = model;
        this.inbound = new InboundModel(model.profile(), model.mss(), role.seenFromStart());
        this.callSites = callSites;
        this.appNodelay = endpoint.nodelay();
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /**
     * The app wrote. Returns the prediction for a read already waiting (a reader on another thread, or an NIO loop
     * that read until nothing came before it wrote), which now waits for this burst's answer; else null.
     */
    public synchronized StallPrediction write(long now, long bytes, FixAction action) {
        if (burstWrites == 0) inbound.onOwnWrite(now);
        boolean held = model.onWriteHeld(now, bytes);
        if (burstWrites < MAX_BURST_SIZES) {
            if (burstWrites == burst.length) burst = Arrays.copyOf(burst, burst.length * 2);
            burst[burstWrites] = bytes;
        }
        burstWrites++;
        burstNodelay = appNodelay || action.fixed();
        if (!action.fixed()) fixedHeldWrite = null;
        if (held && heldWrite == null) {
            heldWrite = fixedHeldWrite != null ? fixedHeldWrite : HeldWrite.of(callSites.capture());
            if (action.fixed()) fixedHeldWrite = heldWrite;
        }
        // A reader blocked on another thread is now waiting for the answer to this burst.
        return reading ? model.onReadStart(now) : null;
    }

    /** Where the burst's first held write was made, or null if nothing of it was held. */
    public synchronized String heldWriteSite() {
        return heldWrite == null ? null : heldWrite.site();
    }

    /** The burst as the write just made left it: what coalescing decides on. */
    public synchronized Burst burst() {
        return new Burst(reading, burstWrites, previousBurstWrites);
    }

    /** The app started waiting to read. Returns the prediction if this is a new wait, else null. */
    public synchronized StallPrediction readStart(long now) {
        if (reading) return null;
        reading = true;
        inbound.onReadStart(now, model.rttNanos());   // it knows whether we wrote since the peer's last piece
        return model.onReadStart(now);
    }

    /**
     * A read ended; returns a finding if a write of the burst before it was held (whether or not the core
     * predicted a stall: the first exchanges of a connection are quick-acked, for example).
     */
    public synchronized Finding readEnd(long now, long bytes, FixAction action) {
        if (!reading) readStart(now);
        Finding finding = inboundEnd(now, bytes, action);   // every read: the first piece of a request too
        if (heldWrite != null && burstWrites > 1) {
            long rttUsed = model.rttNanos();   // what the prediction and the judgement of this read used
            ReadOutcome outcome = model.onReadEnd(now, bytes, action.fixed());
            long[] sizes = Arrays.copyOf(burst, Math.min(burstWrites, MAX_BURST_SIZES));
            finding = new Finding(Instant.now(), endpoint, role, burstNodelay || action.fixed(), sizes, outcome,
                    heldWrite.stack(), heldWrite.site(), model.mss(), rttUsed, action);
        } else {
            model.onReadEndUnreported(now, bytes, action.fixed());
        }
        reading = false;
        if (burstWrites > 0) previousBurstWrites = burstWrites;
        burstWrites = 0;
        heldWrite = null;
        return finding;
    }

    /**
     * A read with no write of ours before it ended: if it waited for our own delayed ACK (the peer's Nagle holding
     * the rest of its request), that is an inbound finding, at the read's call site. Only confirmed ones: until the
     * read ends, a merely slow peer looks the same.
     */
    private Finding inboundEnd(long now, long bytes, FixAction action) {
        InboundModel.InboundOutcome o = inbound.onReadEnd(now, bytes, model.rttNanos());
        if (o == null || !o.confirmed()) return null;
        InboundModel.InboundPrediction p = o.prediction();
        StallPrediction stall = StallPrediction.inbound(p.expectedNanos(), bytes, p.pieceBytes(), model.mss(),
                p.delayedAckNanos(), model.profile().maxDelayedAckNanos());
        List<StackTraceElement> stack = callSites.capture();
        return new Finding(Instant.now(), endpoint, role, appNodelay, o.pieces(),
                new ReadOutcome(stall, o.waitNanos(), true), stack, CallSites.callSite(stack), model.mss(),
                model.rttNanos(), action);
    }

    /** The application set TCP_NODELAY. */
    public synchronized void appNodelay(long now, boolean on) {
        model.onNodelay(now, on);
        appNodelay = on;
    }

    public int mss() {
        return model.mss();
    }

    public synchronized void shutdownOutput(long now) {
        model.onShutdownOutput(now);
    }

    /** A write burst is waiting for its answer: an NIO app's select may be the wait. */
    public synchronized boolean awaitingAnswer() {
        return burstWrites > 0 && !reading;
    }

    /** A held write's stack, and its call site formatted once, not once per finding. */
    private record HeldWrite(List<StackTraceElement> stack, String site) {
        static HeldWrite of(List<StackTraceElement> stack) {
            return new HeldWrite(stack, CallSites.callSite(stack));
        }
    }
}
