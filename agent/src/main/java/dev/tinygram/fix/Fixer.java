package dev.tinygram.fix;

import dev.tinygram.conn.Api;
import dev.tinygram.conn.Endpoint;
import dev.tinygram.conn.FixAction;
import dev.tinygram.core.Burst;
import java.io.IOException;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Every decision about fixing, for one option set: which connections get which fix, when, and how a connection
 * is let go. Immutable; a new option set builds a new one, and each connection catches up with it at its next
 * event ({@link #settle}). One short method per event; each connection's state is its {@link ConnectionFix}.
 *
 * <pre>
 * policy                  | a connection it applies to                | one it does not
 * ------------------------+-------------------------------------------+------------------------------------
 * none (mode=observe)     | -                                         | left as the application set it up
 * nodelay                 | TCP_NODELAY on at first sight             | given back its own TCP_NODELAY
 * nodelay, scope=flagged  | TCP_NODELAY on at its first predicted stall | given back its own TCP_NODELAY
 *   ... and remembered    | at first sight if its remote was flagged,  |
 *                          | at its first held write if its site was    |
 * coalesce, a Socket      | a coalescer, and TCP_NODELAY on           | given back its own TCP_NODELAY
 * coalesce, a channel     | JDK 22+ on Linux: a {@link ChannelCork}    | given back its own TCP_NODELAY
 *                          | and TCP_NODELAY on (said once); else       |
 *                          | TCP_NODELAY on (said once)                 |
 * quickack=all (any mode) | TCP_QUICKACK re-armed after every read    | -
 * quickack=flagged        | the same, from its first inbound stall on | -
 * </pre>
 * Where tinygram sets TCP_NODELAY, an application turning it off is undone at once, and said once per call site.
 */
public final class Fixer {
    /**
     * What every fixer of one agent shares, whatever its policy.
     *
     * @param notices     where the fix layer's notices go
     * @param callerStack where the application is, for a notice that names its call site
     * @param clock       the coalescers' clock
     * @param streams     the way from a flushed stream to its socket, or null where nothing is ever coalesced
     * @param quickack    the TCP_QUICKACK setter, or null where the platform has none
     * @param remembered  what scope=flagged flagged, for the connections after it
     * @param corks       the kernel's TCP_CORK for channels, or null where the platform has none
     */
    public record Context(FixNotices notices, Supplier<List<StackTraceElement>> callerStack, LongSupplier clock,
                          SocketStreams streams, Quickack quickack, Remembered remembered, Corks corks) {

        /** For a fixer that never coalesces and has nothing to say. */
        public static final Context SILENT = new Context(null, List::of, System::nanoTime, null, null,
                new Remembered(), null);

        public Context(FixNotices notices, Supplier<List<StackTraceElement>> callerStack, LongSupplier clock,
                       SocketStreams streams, Quickack quickack, Remembered remembered) {
            this(notices, callerStack, clock, streams, quickack, remembered, null);
        }

        public Context(FixNotices notices, Supplier<List<StackTraceElement>> callerStack, LongSupplier clock,
                       SocketStreams streams) {
            this(notices, callerStack, clock, streams, null, new Remembered(), null);
        }

        public Context(FixNotices notices, Supplier<List<StackTraceElement>> callerStack, LongSupplier clock,
                       SocketStreams streams, Quickack quickack) {
            this(notices, callerStack, clock, streams, quickack, new Remembered(), null);
        }
    }

    private final long generation;
    private final FixPolicy policy;
    private final Coalescing coalescing;
    private final Context context;

    /**
     * @param generation higher for each later option set: a connection set up by a later fixer is never taken back
     *                   by an earlier one still finishing an event
     * @param coalescing the coalescing kit, or null unless the policy coalesces
     */
    public Fixer(long generation, FixPolicy policy, Coalescing coalescing, Context context) {
        if (policy.coalesce() != (coalescing != null)) {
            throw new IllegalArgumentException("a coalescing kit goes with a coalescing policy, and only with one");
        }
        if (coalescing != null && context.streams() == null) {
            throw new IllegalArgumentException("coalescing needs the way from a flushed stream to its socket");
        }
        this.generation = generation;
        this.policy = policy;
        this.coalescing = coalescing;
        this.context = context;
    }

    /** The fixer of mode=observe: fixes nothing. */
    public static Fixer none() {
        return new Fixer(0, FixPolicy.none(), null, Context.SILENT);
    }

    /** A fixer that fixes nothing and lets every connection go, after this one: for a detach. */
    public Fixer lettingGo() {
        return new Fixer(generation + 1, FixPolicy.none(), null, context);
    }

    /** A later fixer with another policy and kit, sharing this one's context. */
    public Fixer next(FixPolicy nextPolicy, Coalescing nextCoalescing) {
        return new Fixer(generation + 1, nextPolicy, nextCoalescing, context);
    }

    long generation() {
        return generation;
    }

    /** Whether writes may be held in user space: only then must reads, flushes and closes ask first. */
    public boolean buffersWrites() {
        return coalescing != null;
    }

    public Coalescing coalescing() {
        return coalescing;
    }

    // ---- life cycle ------------------------------------------------------------------------------------------

    /**
     * Sets a connection up for this fixer: nodelay, a coalescer, or back to the application's own. A coalescer of
     * an earlier fixer is retired first (sent and let through), unless this one would build the same.
     */
    public void settle(Object socket, ConnectionFix f, int mss) {
        if (!f.claim(this)) return;
        boolean applies = policy.fixes() && policy.appliesTo(f.endpoint);
        boolean coalesce = applies && coalescing != null && f.endpoint.api() == Api.SOCKET;
        boolean cork = applies && coalescing != null && f.endpoint.api() == Api.CHANNEL && corksAvailable();
        int bound = boundFor(mss);
        dropCork(socket, f);   // a later fixer builds its own, with its own bound and timer
        Coalescer old = f.coalescer();
        boolean keep = coalesce && f.coalescesWith(coalescing, bound);
        if (old != null && !keep) {
            old.retire(socket);
            f.dropCoalescer(old);
        }
        if (applies && policy.flaggedOnly() && !f.action().fixed()
                && context.remembered().knowsRemote(Endpoint.text(f.endpoint.remote()))) {
            Nodelay.enable(socket);   // another connection to this remote was flagged
            f.fixedWith(FixAction.NODELAY_REMEMBERED);
            return;
        }
        if (!applies || (policy.flaggedOnly() && !f.action().fixed())) {
            letGo(socket, f);
            return;
        }
        if (policy.flaggedOnly()) return;   // already fixed at its first predicted stall: keep it
        Nodelay.enable(socket);
        if (coalesce) {
            if (!keep) {
                f.coalesceWith(this, new Coalescer(bound, policy.maxDelayNanos(), coalescing.writer(),
                        coalescing.timer(), coalescing.senders(), coalescing.stats(), context.clock()), coalescing,
                        bound);
            }
        } else if (cork) {
            corkFrom(f, bound);
        } else {
            if (coalescing != null) context.notices().coalesceFallback(f.endpoint);
            f.fixedWith(FixAction.NODELAY);
        }
    }

    private boolean corksAvailable() {
        return context.corks() != null && context.corks().available();
    }

    /** Uncorks a channel and forgets its cork: what the kernel held leaves now. */
    private static void dropCork(Object channel, ConnectionFix f) {
        ChannelCork cork = f.cork();
        if (cork == null) return;
        cork.waiting(channel);
        f.dropCork(cork);
    }

    /** An inbound stall was found: quickack=flagged re-arms TCP_QUICKACK on this connection from now on. */
    public void inboundFound(ConnectionFix f) {
        f.flagInbound();
    }

    /**
     * A read returned data. With quickack= on this connection, TCP_QUICKACK is set again now: an ACK the kernel
     * is delaying for what was just read goes at once, and a peer's Nagle holding the rest of its request lets it
     * go a round trip later instead of after our delayed-ACK timer.
     */
    public void readEnded(Object socket, ConnectionFix f) {
        Quickack q = context.quickack();
        if (q == null || !policy.quickackAppliesTo(f.endpoint)) return;
        if (policy.quickack() == QuickackScope.ALL || f.inboundFlagged()) q.arm(socket);
    }

    /**
     * scope=flagged: a predicted stall turns TCP_NODELAY on, which also pushes the held bytes out now; its call site
     * and remote are remembered for the connections after it.
     */
    public void stallPredicted(Object socket, ConnectionFix f, String heldWriteSite) {
        if (policy.nodelay() && policy.flaggedOnly() && !f.action().fixed() && policy.appliesTo(f.endpoint)) {
            Nodelay.enable(socket);
            f.fixedWith(FixAction.NODELAY);
            context.remembered().remember(heldWriteSite, Endpoint.text(f.endpoint.remote()));
        }
    }

    /** Whether held writes' call sites matter: scope=flagged, which fixes a flagged site's later connections. */
    public boolean remembersSites() {
        return policy.nodelay() && policy.flaggedOnly();
    }

    /**
     * scope=flagged: Nagle just held a write from {@code site}. If a connection before this one was flagged at the
     * same call site, this one is fixed now, before it stalls: TCP_NODELAY pushes the held bytes out at once.
     */
    public void heldWrite(Object socket, ConnectionFix f, String site) {
        if (policy.nodelay() && policy.flaggedOnly() && !f.action().fixed() && policy.appliesTo(f.endpoint)
                && context.remembered().knowsSite(site)) {
            Nodelay.enable(socket);
            f.fixedWith(FixAction.NODELAY_REMEMBERED);
        }
    }

    /**
     * The application set TCP_NODELAY. Where tinygram enforces it, turning it off is undone at once: mode=nodelay
     * means the stall must not come back, and libraries turn Nagle on deliberately (spymemcached does).
     */
    public void nodelaySet(Object socket, ConnectionFix f, boolean on) {
        f.appNodelay(on);
        if (!on && f.action().fixed()) {
            Nodelay.enable(socket);
            f.fixedWith(f.coalescer() != null ? FixAction.COALESCED : FixAction.NODELAY);
            context.notices().nodelayRestored(f.endpoint, context.callerStack().get());
        }
    }

    /**
     * Stands down, or the mode changed away from coalescing: sends anything buffered, and gives the socket back its
     * own TCP_NODELAY.
     */
    public static void release(Object socket, ConnectionFix f) {
        if (!f.action().fixed()) return;
        Coalescer coalescer = f.coalescer();
        if (coalescer != null) coalescer.retire(socket);
        dropCork(socket, f);
        if (!f.appNodelay()) Nodelay.set(socket, false);
        f.unfixed();
    }

    /** Retires the connection's coalescer if this fixer would not keep it: nothing is left for a write to overtake. */
    public void retireStaleCoalescer(Object socket, ConnectionFix f, int mss) {
        if (!f.settledBy(this)) dropCork(socket, f);   // uncorked now, not at its maxDelay
        Coalescer coalescer = f.coalescer();
        if (coalescer == null) return;
        int bound = boundFor(mss);
        if (coalescing != null && f.coalescesWith(coalescing, bound)) return;
        coalescer.retire(socket);
        f.dropCoalescer(coalescer);
    }

    // ---- a channel's cork: one method per event ---------------------------------------------------------------

    /**
     * A channel set up with TCP_NODELAY alone because the kernel's module was not open yet (it opens just after
     * start): corked from its next write on, as if it had been open. A channel that already wrote a small burst
     * loses nothing; its bytes are all in the kernel.
     */
    public void corkIfNowPossible(Object channel, ConnectionFix f, int mss) {
        if (coalescing == null || f.endpoint.api() != Api.CHANNEL || policy.flaggedOnly()
                || f.action() != FixAction.NODELAY || !f.settledBy(this) || !corksAvailable()
                || !policy.appliesTo(f.endpoint)) {
            return;
        }
        corkFrom(f, boundFor(mss));
    }

    /** The channel's bursts are corked from now on, with this fixer's timer and {@code bound}. */
    private void corkFrom(ConnectionFix f, int bound) {
        f.corkWith(this, new ChannelCork(context.corks(), bound, policy.maxDelayNanos(), coalescing.timer(),
                coalescing.stats(), context.clock()));
        context.notices().corking(f.endpoint);
    }

    /** What a coalesced burst is bounded by: the {@code coalesceBytes} option, else one MSS. */
    private int boundFor(int mss) {
        return policy.coalesceBytes() > 0 ? policy.coalesceBytes() : mss;
    }

    /** A channel write of {@code bytes} is about to go to the kernel; {@code burst} as this write makes it. */
    public void channelWriting(Object channel, ConnectionFix f, long bytes, Burst burst) {
        ChannelCork cork = f.cork();
        if (cork != null) cork.writing(channel, bytes, burst);
    }

    /** A channel read starts, or a select that may be its wait: the application waits for an answer. */
    public void channelWaiting(Object channel, ConnectionFix f) {
        ChannelCork cork = f.cork();
        if (cork != null) cork.waiting(channel);
    }

    private static void letGo(Object socket, ConnectionFix f) {
        if (f.action().fixed() && !f.appNodelay()) Nodelay.set(socket, false);
        if (f.action().fixed()) f.unfixed();
    }

    // ---- coalescing: one method per event ---------------------------------------------------------------------

    /** A stream write; true when its bytes were buffered and the JDK write must be skipped. */
    public boolean writing(Object socket, ConnectionFix f, byte[] bytes, int offset, int length, Burst burst)
            throws IOException {
        Coalescer coalescer = f.coalescer();
        return coalescer != null
                && coalescer.write(socket, bytes, offset, length, burst) == Coalescer.Verdict.BUFFERED;
    }

    public void readStarting(Object socket, ConnectionFix f) throws IOException {
        Coalescer coalescer = f.coalescer();
        if (coalescer != null) throwIfFailed(coalescer.beforeRead(socket));
    }

    /** The socket behind a flushed stream, or null when it is none of a socket's (or nothing is ever coalesced). */
    public Object socketOfStream(Object stream) {
        return context.streams() == null ? null : context.streams().socketOf(stream);
    }

    public void streamFlushed(Object socket, ConnectionFix f) throws IOException {
        Coalescer coalescer = f.coalescer();
        if (coalescer != null) throwIfFailed(coalescer.explicitFlush(socket));
    }

    public void outputShuttingDown(Object socket, ConnectionFix f) throws IOException {
        ChannelCork cork = f.cork();
        if (cork != null) cork.ending(socket, CoalesceStats.Cause.SHUTDOWN);
        Coalescer coalescer = f.coalescer();
        if (coalescer != null) throwIfFailed(coalescer.outputShuttingDown(socket));
    }

    /** After shutdownOutput or a close: later writes must fail in the JDK as they would without tinygram. */
    public void outputEnded(ConnectionFix f) {
        Coalescer coalescer = f.coalescer();
        if (coalescer != null) coalescer.outputEnded();
    }

    public void closing(Object socket, ConnectionFix f) throws IOException {
        ChannelCork cork = f.cork();
        if (cork != null) cork.ending(socket, CoalesceStats.Cause.CLOSE);
        Coalescer coalescer = f.coalescer();
        if (coalescer != null) throwIfFailed(coalescer.closing(socket));
    }

    private static void throwIfFailed(IOException e) throws IOException {
        if (e != null) throw e;
    }
}
