package dev.tinygram.tracker;

import dev.tinygram.bootstrap.EventSink;
import dev.tinygram.bootstrap.TinygramBridge;
import dev.tinygram.conn.Endpoint;
import dev.tinygram.conn.Endpoints;
import dev.tinygram.conn.Role;
import dev.tinygram.core.ConnectionModel;
import dev.tinygram.core.HoldKind;
import dev.tinygram.core.RttEstimate;
import dev.tinygram.core.Profile;
import dev.tinygram.core.StallPrediction;
import dev.tinygram.fix.ConnectionFix;
import dev.tinygram.fix.Fixer;
import dev.tinygram.kernel.KernelReader;
import dev.tinygram.kernel.TcpInfo;
import dev.tinygram.observe.CallSites;
import dev.tinygram.observe.Connection;
import dev.tinygram.observe.Finding;
import dev.tinygram.observe.FindingSink;
import dev.tinygram.observe.SelectWaits;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The event sink: one short method per hook event, each finding the connection, then telling observe what
 * happened and the fix layer what it must do. Observe says what it saw (a predicted stall, a finding); the
 * {@link Fixer} decides what to do about it. Immutable for one option set: a new one ({@link #withFixer}) takes
 * over the same {@link Connections}, each of which catches up with the new fixer at its next event.
 *
 * <p>Every handler may throw: the bridge turns any throwable but a declared IOException into {@link #failed},
 * which stands the agent down, never into an exception in the application.
 */
public final class Tracker implements EventSink {
    private static final long LOOPBACK_RTT_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long DEFAULT_RTT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Linux's first SYN retransmission comes after 1 s: a connect as long as that lost a segment. */
    private static final long SYN_RETRANSMISSION_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Settings that shape the model. {@code mss <= 0} means "from the interface's MTU". */
    /**
     * @param kernel the kernel reader, or null while there is none (not yet opened, or not on this platform)
     */
    public record Settings(Profile profile, int mss, int stackDepth, Supplier<KernelReader> kernel) {
        /** Without kernel evidence. */
        public Settings(Profile profile, int mss, int stackDepth) {
            this(profile, mss, stackDepth, () -> null);
        }
    }

    private final Settings settings;
    private final Endpoints endpoints;
    private final CallSites callSites;
    private final FindingSink findings;
    private final LongSupplier clock;
    private final Fixer fixer;
    private final Consumer<Throwable> onFailure;
    private final Connections connections;
    private final SelectWaits selectWaits;
    private final PathMemory paths;
    /**
     * The fixer before this one coalesced, and its coalescers may not all be retired yet: flushes of streams must
     * still come in, whatever this fixer does.
     */
    private final boolean draining;

    public Tracker(Settings settings, Endpoints endpoints, FindingSink findings, LongSupplier clock, Fixer fixer,
                   Consumer<Throwable> onFailure) {
        this(settings, endpoints, findings, clock, fixer, onFailure, new Connections(), new SelectWaits(),
                new PathMemory(), false);
    }

    private Tracker(Settings settings, Endpoints endpoints, FindingSink findings, LongSupplier clock, Fixer fixer,
                    Consumer<Throwable> onFailure, Connections connections, SelectWaits selectWaits,
                    PathMemory paths, boolean draining) {
        this.settings = settings;
        this.endpoints = endpoints;
        this.callSites = new CallSites(settings.stackDepth());
        this.findings = findings;
        this.clock = clock;
        this.fixer = fixer;
        this.onFailure = onFailure;
        this.connections = connections;
        this.selectWaits = selectWaits;
        this.paths = paths;
        this.draining = draining;
    }

    /** The same connections under another fixer; draining the coalescers of this one, if it had any. */
    public Tracker withFixer(Fixer next) {
        return new Tracker(settings, endpoints, findings, clock, next, onFailure, connections, selectWaits, paths,
                buffersWrites());
    }

    /** This tracker once every coalescer its fixer would not keep is retired ({@link #retireStaleCoalescers}). */
    public Tracker drained() {
        return !draining ? this
                : new Tracker(settings, endpoints, findings, clock, fixer, onFailure, connections, selectWaits, paths,
                        false);
    }

    /** Makes this the sink the hooks feed. */
    public void install() {
        TinygramBridge.install(this);
    }

    /** Takes over from {@code previous} as the hooks' sink; false if the agent stood down meanwhile. */
    public boolean takeOverFrom(Tracker previous) {
        return TinygramBridge.replace(previous, this);
    }

    public Fixer fixer() {
        return fixer;
    }

    // ---- events ----------------------------------------------------------------------------------------------

    @Override
    public void opened(Object connection, long connectNanos) {
        Tracked t = connections.get(connection);
        if (t == null) t = track(connection, Role.CLIENT, connectNanos);
        settle(connection, t);
    }

    @Override
    public void accepted(Object connection) {
        lookUp(connection, Role.SERVER);
    }

    @Override
    public void nodelaySet(Object connection, boolean on) {
        Tracked t = lookUp(connection, Role.UNKNOWN);
        if (t == Tracked.NOT_TCP) return;
        t.watch.appNodelay(clock.getAsLong(), on);
        fixer.nodelaySet(connection, t.fix, on);
    }

    @Override
    public boolean writing(Object socket, byte[] bytes, int offset, int length) throws IOException {
        Tracked t = lookUp(socket, Role.UNKNOWN);
        if (t == Tracked.NOT_TCP) return false;
        if (!t.watch.absorbStreamingWrite(length)) {
            flagIfWorth(socket, t, t.watch.write(clock.getAsLong(), length, t.fix.action(),
                    findings.minStallNanos()));
            heldWrite(socket, t);
        }
        // A channel's socket() adaptor stream: its cork decides as for the channel's own writes.
        if (t.fix.corking()) fixer.channelWriting(socket, t.fix, length, t.watch.burst());
        // Through the connection's coalescer while it has one, even one being retired: its bytes go first.
        return t.fix.coalescing() && fixer.writing(socket, t.fix, bytes, offset, length, t.watch.burst());
    }

    /** mode=coalesce on JDK 22+: the channel is corked, or uncorked, before the write. */
    @Override
    public void channelWriting(Object channel, long bytes) {
        Tracked t = lookUp(channel, Role.UNKNOWN);
        if (t == Tracked.NOT_TCP) return;
        if (!t.fix.corking()) fixer.corkIfNowPossible(channel, t.fix, t.watch.mss());
        if (t.fix.corking()) fixer.channelWriting(channel, t.fix, bytes, t.watch.nextBurst());
    }

    @Override
    public void written(Object channel, long bytes) {
        Tracked t = lookUp(channel, Role.UNKNOWN);
        if (t == Tracked.NOT_TCP) return;
        if (t.watch.absorbStreamingWrite(bytes)) return;   // a stream's write: its burst is already known
        flagIfWorth(channel, t, t.watch.write(clock.getAsLong(), bytes, t.fix.action(), findings.minStallNanos()));
        heldWrite(channel, t);
        selectWaits.wrote(channel);
    }

    @Override
    public void readStarting(Object connection) throws IOException {
        Tracked t = lookUp(connection, Role.UNKNOWN);
        if (t == Tracked.NOT_TCP) return;
        if (t.fix.coalescing()) fixer.readStarting(connection, t.fix);
        if (t.fix.corking()) fixer.channelWaiting(connection, t.fix);
        readWaits(connection, t);
    }

    /** A channel read can only wait when the channel is blocking; a non-blocking read's wait is its select. */
    @Override
    public void channelReadStarting(Object channel) {
        boolean blocking = ((SelectableChannel) channel).isBlocking();
        if (!blocking && !buffersWrites()) return;
        Tracked t = lookUp(channel, Role.UNKNOWN);
        if (t == Tracked.NOT_TCP) return;
        if (t.fix.corking()) fixer.channelWaiting(channel, t.fix);   // a read, blocking or not: the burst is done
        if (blocking) readWaits(channel, t);
    }

    @Override
    public void readEnded(Object connection, long bytes) {
        Tracked t = lookUp(connection, Role.UNKNOWN);
        if (t == Tracked.NOT_TCP) return;
        long now = clock.getAsLong();
        if (bytes == 0 && connection instanceof SelectableChannel channel && !channel.isBlocking()) {
            waitStarts(connection, t, now);   // nothing there yet: from here the app waits for it
            return;
        }
        selectWaits.answered(connection);
        Finding finding = t.watch.readEnd(now, bytes, t.fix.action());
        if (finding != null) {
            if (finding.kind() == HoldKind.INBOUND_DELAYED_ACK) fixer.inboundFound(t.fix);
            connections.findingRecorded();
            findings.record(finding);
            if (finding.outcome().confirmed()) askKernelAfterStall(connection, t);
        }
        if (bytes > 0) fixer.readEnded(connection, t.fix);
    }

    @Override
    public void streamFlushed(Object stream) throws IOException {
        Object socket = fixer.socketOfStream(stream);
        Tracked t = socket == null ? null : connections.get(socket);
        if (t != null && t != Tracked.NOT_TCP) fixer.streamFlushed(socket, t.fix);
    }

    @Override
    public void outputShuttingDown(Object connection) throws IOException {
        Tracked t = connections.get(connection);
        if (t != null && t != Tracked.NOT_TCP) fixer.outputShuttingDown(connection, t.fix);
    }

    /** Output is shut down: later writes must fail in the JDK as they would without tinygram, not be buffered. */
    @Override
    public void outputShutDown(Object connection) {
        Tracked t = lookUp(connection, Role.UNKNOWN);
        if (t == Tracked.NOT_TCP) return;
        t.watch.shutdownOutput(clock.getAsLong());
        fixer.outputEnded(t.fix);
    }

    /** What is buffered goes out first; the connection is forgotten whether or not that worked. */
    @Override
    public void closing(Object connection) throws IOException {
        Tracked t = connections.get(connection);
        try {
            if (t != null && t != Tracked.NOT_TCP) fixer.closing(connection, t.fix);
        } finally {
            connections.remove(connection);
            selectWaits.answered(connection);
            if (t != null && t != Tracked.NOT_TCP) {
                fixer.outputEnded(t.fix);
                recordLateStall(t);
                findings.closed(t.watch.endpoint());
                if (t.watch.role() == Role.CLIENT) {   // an accepted one's address may be a NAT's, many paths
                    paths.remember(t.watch.endpoint().remote().getAddress(), t.watch.pathBoundNanos(),
                            clock.getAsLong());
                }
            }
        }
    }

    /** A select is the wait of every channel registered with it for reading that has written and not read. */
    @Override
    public void selecting(Object selector) {
        if (buffersWrites()) uncorkRegisteredIn(selector);
        long now = -1;
        for (SelectableChannel channel : selectWaits.waitingIn(selector)) {
            Tracked t = connections.get(channel);
            if (t == null || t == Tracked.NOT_TCP || !t.watch.awaitingAnswer()) continue;
            if (now == -1) now = clock.getAsLong();
            waitStarts(channel, t, now);
        }
    }

    /** A select may be the wait of any corked channel registered with it, whatever it waits for. */
    private void uncorkRegisteredIn(Object selector) {
        for (SelectableChannel channel : selectWaits.registeredIn(selector)) {
            Tracked t = connections.get(channel);
            if (t != null && t != Tracked.NOT_TCP && t.fix.corking()) fixer.channelWaiting(channel, t.fix);
        }
    }

    @Override
    public boolean buffersWrites() {
        return draining || fixer.buffersWrites();
    }

    @Override
    public void failed(Throwable error) {
        onFailure.accept(error);
    }

    // ---- life cycle ------------------------------------------------------------------------------------------

    /** Stands down: sends anything buffered, and gives every socket tinygram fixed back its own TCP_NODELAY. */
    public void release() {
        TinygramBridge.runAsAgent(() -> connections.forEach((socket, t) -> {
            try {
                Fixer.release(socket, t.fix);
            } catch (RuntimeException | Error e) {
                // a socket that broke meanwhile: the application will see that itself; the others go on
            }
        }));
    }

    /**
     * Records the stalls only a wait showed that no read has reported yet (see {@code Connection}): at detach and
     * at exit, so that none is lost with an open connection.
     */
    public void reportLateStalls() {
        connections.forEach((socket, t) -> {
            if (t != Tracked.NOT_TCP) recordLateStall(t);
        });
    }

    private void recordLateStall(Tracked t) {
        Finding late = t.watch.takeUnreportedStall();
        if (late != null) findings.record(late);
    }

    /**
     * After a change of options, before the old ones' coalescers could be bypassed: retires each coalescer this
     * tracker's fixer would not keep, so nothing is left buffered for a write straight to the JDK to overtake.
     */
    public void retireStaleCoalescers() {
        TinygramBridge.runAsAgent(() -> connections.forEach((socket, t) -> {
            try {
                fixer.retireStaleCoalescer(socket, t.fix, t.watch.mss());
            } catch (RuntimeException | Error e) {
                // a socket that broke meanwhile: the application will see that itself; the others go on
            }
        }));
    }

    public long connectionsTracked() {
        return connections.tracked();
    }

    public long connectionsOpen() {
        return connections.open();
    }

    public long findings() {
        return connections.findings();
    }

    // ---- state -----------------------------------------------------------------------------------------------

    /** The read that starts now waits for the answer: observe predicts, and a predicted stall may be fixed. */
    private void waitStarts(Object connection, Tracked t, long now) {
        reportIfWorth(connection, t, t.watch.readStart(now, findings.minStallNanos()));
    }

    /** A read's prediction worth a report flags the connection, unless the kernel holds nothing after all. */
    private void reportIfWorth(Object connection, Tracked t, StallPrediction p) {
        if (worthReporting(p) && !kernelContradicts(connection, t)) {
            fixer.stallPredicted(connection, t.fix, t.watch.heldWriteSite());
        }
    }

    /** A read starts: as {@link #waitStarts}, with the clock read only where the read's start can matter. */
    private void readWaits(Object connection, Tracked t) {
        reportIfWorth(connection, t, t.watch.readStart(clock, findings.minStallNanos()));
    }

    /**
     * A read starts where the model predicts held bytes worth a report: the kernel's own numbers go with the
     * finding (one getsockopt, only here, never per write). True when the kernel holds nothing: no stall, so
     * nothing to fix (scope=flagged) or report.
     */
    private boolean kernelContradicts(Object connection, Tracked t) {
        TcpInfo info = askKernel(connection);
        return info != null && t.watch.kernelAtReadStart(info, t.fix.action());
    }

    /** A stall was confirmed: the kernel's round trip bounds the model's (one getsockopt, per confirmed stall). */
    private void askKernelAfterStall(Object connection, Tracked t) {
        TcpInfo info = askKernel(connection);
        if (info != null) t.watch.kernelAfterStall(info);
    }

    /** The kernel's {@code tcp_info} for {@code connection}, or null where it cannot be asked (or did not say). */
    private TcpInfo askKernel(Object connection) {
        KernelReader kernel = settings.kernel().get();
        return kernel == null ? null : kernel.read(connection);
    }

    /**
     * A read waits, or a read already waiting now waits for a burst just written: a predicted hold worth reporting
     * flags the connection (scope=flagged).
     */
    private void flagIfWorth(Object connection, Tracked t, StallPrediction p) {
        if (worthReporting(p)) fixer.stallPredicted(connection, t.fix, t.watch.heldWriteSite());
    }

    /** A predicted hold that costs at least {@code minStall}: flagged, and asked about. */
    private boolean worthReporting(StallPrediction p) {
        return p != null && p.held() && p.stallNanos() >= findings.minStallNanos();
    }

    /** scope=flagged remembers call sites: a held write from one flagged before fixes this connection now. */
    private void heldWrite(Object connection, Tracked t) {
        if (!fixer.remembersSites() || t.fix.action().fixed()) return;   // off the write path's cost otherwise
        String site = t.watch.heldWriteSite();
        if (site != null) fixer.heldWrite(connection, t.fix, site);
    }

    /** The connection's state, made at first sight, and set up for the fixer in force. */
    private Tracked lookUp(Object socket, Role firstSight) {
        Tracked t = connections.get(socket);
        if (t == null) t = track(socket, firstSight, -1);
        return settle(socket, t);
    }

    private Tracked settle(Object socket, Tracked t) {
        if (t != Tracked.NOT_TCP && !t.fix.settledBy(fixer)) fixer.settle(socket, t.fix, t.watch.mss());
        return t;
    }

    /** {@code connectNanos}: how long its connect took, or -1. */
    private Tracked track(Object socket, Role role, long connectNanos) {
        Endpoint endpoint;
        try {
            endpoint = endpoints.of(socket);
            if (endpoint == null) {
                // not a connected TCP socket; remember that only if it never will be one (Unix domain)
                if (endpoints.neverTcp(socket)) connections.neverTcp(socket);
                return Tracked.NOT_TCP;
            }
        } catch (IOException closed) {
            return Tracked.NOT_TCP;   // used after close (the JDK call will say so to the application): not ours
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the endpoint of a " + socket.getClass().getName(), e);
        }
        TcpInfo kernel = askKernel(socket);
        long kernelRtt = kernel == null ? TcpInfo.ABSENT : kernel.pathRttNanos();
        ConnectionModel model = new ConnectionModel(config(endpoint, role, connectNanos, kernel, kernelRtt));
        if (model.rtt().source() == RttEstimate.Source.PATH && kernelRtt > 0) {
            model.onKernelRtt(kernelRtt);   // its own handshake sample, slower: a bound it measured, to pass on
        }
        Connection watch = new Connection(endpoint, role, model, callSites);
        return connections.add(socket, new Tracked(socket, watch, new ConnectionFix(endpoint)));
    }

    /**
     * The path's round trip, first: loopback's is known. Elsewhere the kernel's handshake round trip, where it
     * could be asked; else a connect the JVM made, which takes about one round trip (a SYN and its SYN-ACK) unless
     * it took a retransmission (a second or more). What earlier connections to the same address measured
     * ({@link PathMemory}, -1 if nothing) is a bound too where the JVM connected to that address, and the faster is
     * taken: one handshake's sample, or one connect, may have met a busy path or a busy JVM. Without a connect time
     * (an accepted connection, or one first seen after an attach) it is only the guess, which the first answer
     * replaces up or down: clients behind one NAT share an address, not a path. With nothing, the guess is 1 ms.
     */
    record FirstRtt(long nanos, RttEstimate.Source source) {
        static FirstRtt of(boolean loopback, long kernelNanos, long connectNanos, long rememberedNanos) {
            if (loopback) return new FirstRtt(LOOPBACK_RTT_NANOS, RttEstimate.Source.LOOPBACK);
            boolean connected = connectNanos > 0 && connectNanos < SYN_RETRANSMISSION_NANOS;
            boolean remembered = connected && rememberedNanos > 0;
            if (kernelNanos > 0) {
                return remembered && rememberedNanos < kernelNanos
                        ? new FirstRtt(rememberedNanos, RttEstimate.Source.PATH)
                        : new FirstRtt(kernelNanos, RttEstimate.Source.KERNEL);
            }
            if (connected) {
                return remembered && rememberedNanos < connectNanos
                        ? new FirstRtt(rememberedNanos, RttEstimate.Source.PATH)
                        : new FirstRtt(connectNanos, RttEstimate.Source.CONNECT);
            }
            return new FirstRtt(rememberedNanos > 0 ? rememberedNanos : DEFAULT_RTT_NANOS, RttEstimate.Source.GUESS);
        }
    }

    /**
     * The model's start: the {@code mss} option, else the kernel's working MSS, else the interface's MTU; the
     * round trip {@link FirstRtt} chooses (the kernel's, a remembered bound, the connect's, or a guess). Not on
     * loopback, whose round trip is known and fixed, and whose first MSS is not its lasting one
     * ({@link Connection#takesKernelMss}). The kernel is asked once, at first sight (JDK 22+ on Linux; {@code kernel}
     * is null elsewhere), and {@code kernelRttNanos} is its round trip, or -1.
     */
    private ConnectionModel.Config config(Endpoint endpoint, Role role, long connectNanos, TcpInfo kernel,
                                          long kernelRttNanos) {
        boolean kernelMss = kernel != null && kernel.sndMss() > 0 && Connection.takesKernelMss(endpoint);
        int mss = settings.mss() > 0 ? settings.mss()
                : kernelMss ? (int) kernel.sndMss() : endpoints.mss(endpoint.local());
        long remembered = endpoint.loopback() ? -1
                : paths.boundFor(endpoint.remote().getAddress(), clock.getAsLong());
        FirstRtt rtt = FirstRtt.of(endpoint.loopback(), kernelRttNanos, connectNanos, remembered);
        return new ConnectionModel.Config(settings.profile(), mss, rtt.nanos(), rtt.source(), endpoint.nodelay(),
                role.seenFromStart());
    }
}
