package dev.tinygram.observe;

import dev.tinygram.conn.Endpoint;
import dev.tinygram.conn.FixAction;
import dev.tinygram.conn.Role;
import dev.tinygram.core.Burst;
import dev.tinygram.core.ConnectionModel;
import dev.tinygram.core.InboundModel;
import dev.tinygram.core.ReadOutcome;
import dev.tinygram.core.StallPrediction;
import dev.tinygram.kernel.TcpInfo;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

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
    /**
     * After this many writes without a read, a burst is a stream: its writes are summed ({@link
     * #absorbStreamingWrite}) and reach the model together, at the next write given the clock or the next other
     * event.
     */
    static final int STREAMING_AFTER = MAX_BURST_SIZES;
    /** A stream's writes summed in a row at most: then one is given to the model with the clock (see below). */
    static final int STREAM_SUM_MAX = 64;

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
    /**
     * A stall only the wait showed, on a burst whose held write's stack was not taken (its hold looked harmless):
     * it waits for the next held write to name the site ({@code captureNextHeld}), then for a read to report it.
     */
    private Finding unnamedStall;
    private boolean captureNextHeld;
    private Finding namedLateStall;
    /** The kernel's word as this read began, if it was asked (see {@link #kernelAtReadStart}). */
    private TcpInfo kernelAtRead;
    private boolean reading;
    /** Bytes of a stream's writes taken from {@link #stream} and not yet given to the model. */
    private long streamedBytes;
    private int streamedWrites;
    /**
     * The stream's way past the lock ({@link #absorbStreamingWrite}). A locked event opens it when it leaves the
     * burst a stream with no read waiting; each locked event that needs the burst's writes closes it first.
     */
    private final StreamSum stream = new StreamSum();

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
    public StallPrediction write(long now, long bytes, FixAction action) {
        return write(now, bytes, action, StallPrediction.DEFAULT_MIN_STALL_NANOS);
    }

    /**
     * The same, with the {@code minStall} option. A held write's stack is taken only when its hold may cost that
     * much, and as a bare backtrace, decoded after the read: a pause between two of the application's writes is
     * what lets an ACK in between them, which changes how the kernel cuts the burst into segments and can end it
     * in a stall (see {@code MeasuredStallRule}). A StackWalker walk here, often over 50 us while cold, made that
     * stall likelier.
     */
    public synchronized StallPrediction write(long now, long bytes, FixAction action, long minStallNanos) {
        closeStream();
        if (burstWrites == 0) inbound.onOwnWrite(now);
        boolean held;
        if (streamedWrites > 0 && bytes <= Integer.MAX_VALUE) {
            held = model.onEvenWritesHeld(now, streamedWrites + 1, takeStreamedBytes() + bytes);
        } else {
            catchUpStream(now);   // a write of 2 GiB or more (a gathering one) is no even share of a stream
            held = model.onWriteHeld(now, bytes);
        }
        if (burstWrites < MAX_BURST_SIZES) {
            if (burstWrites == burst.length) burst = Arrays.copyOf(burst, burst.length * 2);
            burst[burstWrites] = bytes;
        }
        countWrites(1);
        burstNodelay = appNodelay || action.fixed();
        if (!action.fixed()) fixedHeldWrite = null;
        if (held && heldWrite == null) {
            if (fixedHeldWrite != null) {
                heldWrite = fixedHeldWrite;
            } else if (captureNextHeld || model.holdMayMatter(minStallNanos)) {
                heldWrite = HeldWrite.capture(callSites);
                if (action.fixed()) fixedHeldWrite = heldWrite;
                nameLateStall(heldWrite);
            }
        }
        openStreamIfStreaming();
        // A reader blocked on another thread is now waiting for the answer to this burst.
        return reading ? model.onReadStart(now) : null;
    }

    /**
     * A write in the middle of a stream (a burst of more than {@value #STREAMING_AFTER} writes, no read waiting):
     * counted and summed, without the lock, the clock or the model, and true. The model takes the sum at the next
     * write that is given the clock, after {@value #STREAM_SUM_MAX} summed writes at most, or at the next read,
     * option or shutdown, as writes evenly spread since the last write it saw ({@link
     * ConnectionModel#onEvenWritesHeld}). For a stream written at an even pace, which a stream of small writes
     * mostly is, the model's segments are then those of the writes given one by one; where the pace was not even
     * between two clock readings (a pause among those 65 writes at most), segments move within that span. False:
     * the caller makes it a full {@link #write}. Most of a stream of small writes costs the agent one
     * compare-and-set per write.
     */
    public boolean absorbStreamingWrite(long bytes) {
        return stream.add(bytes);
    }

    /** Under the lock: closes {@link #stream} and takes what was summed through it. */
    private void closeStream() {
        StreamSum.Taken taken = stream.close();
        streamedWrites += taken.writes();
        streamedBytes += taken.bytes();
        countWrites(taken.writes());
    }

    /** Under the lock, at the end of an event: opens {@link #stream} if the burst is a stream and no read waits. */
    private void openStreamIfStreaming() {
        int room = STREAM_SUM_MAX - streamedWrites;
        if (burstWrites >= STREAMING_AFTER && !reading && room > 0) stream.open(room);
    }

    /** More writes in the burst. */
    private void countWrites(int writes) {
        burstWrites = burstCount((long) burstWrites + writes);
    }

    /** A burst without a read may outlast an int's count: it stays just below max, where one more still fits. */
    private static int burstCount(long writes) {
        return (int) Math.min(Integer.MAX_VALUE - 1L, writes);
    }

    /** The summed stream bytes, now given to the model with the event that takes them. */
    private long takeStreamedBytes() {
        long b = streamedBytes;
        streamedBytes = 0;
        streamedWrites = 0;
        return b;
    }

    /**
     * Closes {@link #stream} and gives the model the stream's summed writes before an event that is not a write,
     * as made by {@code now}: spread up to it, with their answer timed from the last write the model saw.
     */
    private void catchUpStream(long now) {
        closeStream();
        if (streamedWrites > 0) {
            int writes = streamedWrites;
            model.onEvenWritesMadeBy(now, writes, takeStreamedBytes());
        }
    }

    /** Where the burst's first held write was made, or null if nothing of it was held. */
    public synchronized String heldWriteSite() {
        return heldWrite == null ? null : heldWrite.site();
    }

    /** The burst as the write just made left it: what coalescing decides on. */
    public synchronized Burst burst() {
        return new Burst(reading, writesSoFar(), previousBurstWrites);
    }

    /** The burst as a write about to be made would leave it: what a channel's cork decides on, before the write. */
    public synchronized Burst nextBurst() {
        return new Burst(reading, writesSoFar() + 1, previousBurstWrites);
    }

    /** The burst's writes, those summed past the lock included, which stay there. */
    private int writesSoFar() {
        return burstCount((long) burstWrites + stream.writes());
    }

    /** The app started waiting to read. Returns the prediction if this is a new wait, else null. */
    public StallPrediction readStart(long now) {
        return readStart(now, StallPrediction.DEFAULT_MIN_STALL_NANOS);
    }

    /**
     * The same, reading {@code clock} only if the read's start can matter: most reads of a healthy connection
     * predict nothing (nothing held, nothing of the peer's pieces waiting), and the clock is about half of the
     * agent's cost per event. Such a read is marked as waiting, and the models are told of it at its end, where
     * its start is taken to be its end: its wait is weighed against nothing. A write made meanwhile on another
     * thread starts the model's read with its own time, as before.
     */
    public synchronized StallPrediction readStart(LongSupplier clock, long minStallNanos) {
        if (reading) return null;
        closeStream();
        if (streamedWrites == 0 && !model.readStartMatters() && !inbound.readStartMayPredict()) {
            reading = true;
            return null;
        }
        return startWait(clock.getAsLong(), minStallNanos);
    }

    /** The same, with the {@code minStall} option. */
    public synchronized StallPrediction readStart(long now, long minStallNanos) {
        return reading ? null : startWait(now, minStallNanos);
    }

    /** Under the lock, no read waiting yet: the wait starts at {@code now}, and the models predict it. */
    private StallPrediction startWait(long now, long minStallNanos) {
        catchUpStream(now);
        reading = true;
        inbound.onReadStarted(now, model.rttNanos());   // it knows whether we wrote since the peer's last piece
        StallPrediction p = model.onReadStart(now);
        if (heldWrite == null && burstWrites > 1 && p.held() && (p.stall() || p.stallNanos() >= minStallNanos)) {
            // The hold looked harmless at each write and matters now: the read's stack is the nearest there is.
            heldWrite = HeldWrite.capture(callSites);
        }
        return p;
    }

    /**
     * A read ended; returns a finding if a write of the burst before it was held (whether or not the core
     * predicted a stall: the first exchanges of a connection are quick-acked, for example).
     */
    public synchronized Finding readEnd(long now, long bytes, FixAction action) {
        // Writes still summed here met no read start (a non-blocking read that found data at once): they were
        // made before the read, at a time unknown. Spread up to the read's end, the last of them would leave with
        // the answer that ended it; they are taken as made by the last time the model saw (a sum follows 64
        // writes the model saw, so that time is set), and their answer is timed from the last write it saw.
        catchUpStream(Math.min(now, model.latestTime()));
        if (!reading) readStart(now);
        Finding finding = inboundEnd(now, bytes, action);   // every read: the first piece of a request too
        if (burstWrites > 1 && model.heldSinceLastRead()) {
            long rttUsed = model.rttNanos();   // what the prediction and the judgement of this read used
            ReadOutcome outcome = model.onReadEnd(now, bytes, action.fixed());
            if (heldWrite != null || !outcome.predicted()) {
                long[] sizes = Arrays.copyOf(burst, Math.min(burstWrites, MAX_BURST_SIZES));
                HeldWrite site = heldWrite != null ? heldWrite : HeldWrite.capture(callSites);
                finding = new Finding(Instant.now(), endpoint, role, burstNodelay || action.fixed(), sizes, outcome,
                        site.stack(), site.site(), model.mss(), rttUsed, action, kernelAtRead);
                if (heldWrite == null) {
                    // Named for now by this read (its stack taken after the wait, where it costs nothing); the
                    // next held write names the writes' own site, and a later read reports it. One still unnamed
                    // from before goes out now, as its read named it.
                    Finding older = unnamedStall;
                    unnamedStall = finding;
                    captureNextHeld = true;
                    finding = older;
                }
            }
        } else {
            model.onReadEndUnreported(now, bytes, action.fixed());
        }
        if (finding == null && namedLateStall != null) {
            finding = namedLateStall;
            namedLateStall = null;
        }
        reading = false;
        kernelAtRead = null;
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
        InboundModel.InboundOutcome o = inbound.onReadEndConfirmed(now, bytes, model.rttNanos());
        if (o == null) return null;
        InboundModel.InboundPrediction p = o.prediction();
        StallPrediction stall = StallPrediction.inbound(p.expectedNanos(), bytes, p.pieceBytes(), model.mss(),
                p.delayedAckNanos(), model.profile().maxDelayedAckNanos());
        List<StackTraceElement> stack = callSites.capture();
        return new Finding(Instant.now(), endpoint, role, appNodelay, o.pieces(),
                new ReadOutcome(stall, o.waitNanos(), true), stack, CallSites.callSite(stack), model.mss(),
                model.rttNanos(), action);
    }

    /**
     * What the kernel said as the current read began, where the model predicted held bytes: it goes with this
     * read's finding. Returns whether it contradicts the model (it holds nothing, with Nagle on): then there is
     * no stall to fix or report.
     */
    public synchronized boolean kernelAtReadStart(TcpInfo info, FixAction action) {
        if (!reading) return false;
        kernelAtRead = info;
        if (takesKernelMss(endpoint)) model.onKernelMss(info.sndMss());
        return Finding.contradicts(info, burstNodelay || action.fixed(), true);
    }

    /**
     * Whether the model takes the kernel's working MSS for this connection, at first sight and at kernel reads:
     * not on loopback, where a new connection's MSS is bounded by half the peer's first window (32768) until that
     * window grows and it becomes the interface's (65483); a stream of 65536 B writes then leaves a 53 B rest per
     * write, which the model must see to find the stalls it causes.
     */
    public static boolean takesKernelMss(Endpoint endpoint) {
        return !endpoint.loopback();
    }

    /**
     * What the kernel said after a confirmed stall: its measure of the round trip bounds the model's, which on a
     * connection first seen before the kernel could be asked came from the connect's time or a guess.
     */
    public synchronized void kernelAfterStall(TcpInfo info) {
        long nanos = info.pathRttNanos();
        if (nanos > 0) model.onKernelRtt(nanos);
    }

    /** A held write's stack was taken: it names the writes of a stall that only the wait showed, if one waits. */
    private void nameLateStall(HeldWrite site) {
        captureNextHeld = false;
        if (unnamedStall == null || namedLateStall != null) return;
        Finding f = unnamedStall;
        unnamedStall = null;
        namedLateStall = new Finding(f.time(), f.endpoint(), f.role(), f.nodelay(), f.writes(), f.outcome(),
                site.stack(), site.site(), f.mss(), f.rttNanos(), f.action());
    }

    /**
     * A stall only the wait showed that no read has reported yet, named by its writes' site if a held write came
     * since, else by the read that waited; null if none. For the connection's close: nothing is lost.
     */
    public synchronized Finding takeUnreportedStall() {
        Finding f = namedLateStall != null ? namedLateStall : unnamedStall;
        namedLateStall = null;
        unnamedStall = null;
        return f;
    }

    /** The application set TCP_NODELAY. */
    public synchronized void appNodelay(long now, boolean on) {
        catchUpStream(now);
        model.onNodelay(now, on);
        appNodelay = on;
        openStreamIfStreaming();
    }

    public int mss() {
        return model.mss();
    }

    public synchronized void shutdownOutput(long now) {
        catchUpStream(now);
        model.onShutdownOutput(now);
        openStreamIfStreaming();
    }

    /** Every byte of the application's writes the model has taken: those still summed past the lock are not. */
    synchronized long bytesGivenToModel() {
        return model.bytesWritten();
    }

    /** Which end this JVM is, as first seen. */
    public Role role() {
        return role;
    }

    /**
     * What this connection learnt of its path, for the next connection to the same peer: the fastest of the recent
     * round-trip bounds it measured, or -1 if it has none (see {@code RttEstimate.boundNanos}).
     */
    public synchronized long pathBoundNanos() {
        return model.pathBoundNanos();
    }

    /** The model's round trip now: for tests. */
    synchronized long rttNanos() {
        return model.rttNanos();
    }

    /** A write burst is waiting for its answer: an NIO app's select may be the wait. */
    public synchronized boolean awaitingAnswer() {
        return burstWrites > 0 && !reading;
    }

    /**
     * A held write's stack, captured as the JVM's backtrace (cheap, on the write path), decoded into stack trace
     * elements and a formatted call site once, when first asked for. Used under the connection's lock only.
     */
    private static final class HeldWrite {
        private final Throwable backtrace;
        private final CallSites callSites;
        private List<StackTraceElement> stack;
        private String site;

        private HeldWrite(Throwable backtrace, CallSites callSites) {
            this.backtrace = backtrace;
            this.callSites = callSites;
        }

        static HeldWrite capture(CallSites callSites) {
            return new HeldWrite(callSites.captureCheaply(), callSites);
        }

        List<StackTraceElement> stack() {
            if (stack == null) stack = callSites.elements(backtrace);
            return stack;
        }

        String site() {
            if (site == null) site = CallSites.callSite(stack());
            return site;
        }
    }
}
