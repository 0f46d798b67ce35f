package dev.tinygram.observe;

import com.blogspot.mydailyjava.weaklockfree.WeakConcurrentMap;
import dev.tinygram.bootstrap.TinygramBridge;
import dev.tinygram.core.CoalescingRule;
import dev.tinygram.core.ConnectionModel;
import dev.tinygram.core.Profile;
import dev.tinygram.core.StallPrediction;
import dev.tinygram.fix.CoalesceStats;
import dev.tinygram.fix.Coalescer;
import dev.tinygram.fix.FixPolicy;
import dev.tinygram.fix.FlushTimer;
import dev.tinygram.fix.Nodelay;
import dev.tinygram.fix.SendThreads;
import dev.tinygram.fix.SocketStreams;
import dev.tinygram.fix.SocketWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Receives the hooks' events and keeps one {@link Connection} per JDK socket object, in a weak identity map so
 * that state dies with the socket. Feeds each connection's decision core, hands findings to the sink, and applies
 * the fix policy, which can change while the application runs: each connection catches up with the current policy
 * at its next event.
 *
 * <p>Every handler may throw: the caller (the bridge, via {@link #install}) turns any throwable into the agent
 * standing down, never into an exception in the application.
 */
public final class Tracker {
    private static final long LOOPBACK_RTT_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long DEFAULT_RTT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Settings that shape the model. {@code mss <= 0} means "from the interface's MTU". */
    public record Settings(Profile profile, int mss, int stackDepth) {}

    /** What coalescing needs: the JDK's own write, the delay timer, the counters. */
    public record Coalescing(SocketWriter writer, FlushTimer timer, SendThreads senders, CoalesceStats stats) {}

    /** The fix in force, and its version: connections set up for an older one catch up at their next event. */
    private record Policy(FixPolicy fix, Coalescing coalescing, int version) {}

    private final Settings settings;
    private final Endpoints endpoints;
    private final CallSites callSites;
    private final FindingSink sink;
    private final LongSupplier clock;
    /**
     * Socket to its state, weakly keyed. No cleaner thread, and no thread-local lookup key or expunction on every
     * get (the inlined variant's cost on each intercepted call): state of sockets collected without a close is
     * expunged when a connection is added or closed.
     */
    private final WeakConcurrentMap<Object, Connection> connections = new WeakConcurrentMap<>(false, false);
    /** A placeholder for objects that are not connected TCP sockets (listeners, Unix-domain channels). */
    private final Connection untracked = new Connection(null, null, null);
    /** Channels with a write burst and no read yet: a select on their selector is their wait. */
    private final Set<SelectableChannel> channelsAwaitingAnswer = ConcurrentHashMap.newKeySet();
    private final AtomicLong tracked = new AtomicLong();
    private final AtomicLong findings = new AtomicLong();
    private final SocketStreams streams = new SocketStreams();
    private volatile Policy policy;

    public Tracker(Settings settings, Endpoints endpoints, FindingSink sink, LongSupplier clock, FixPolicy fix,
                   Coalescing coalescing) {
        this.settings = settings;
        this.endpoints = endpoints;
        this.callSites = new CallSites(settings.stackDepth());
        this.sink = sink;
        this.clock = clock;
        this.policy = new Policy(fix, coalescing, 0);
    }

    /** Points the bridge's hooks at this tracker; every failure inside stands the agent down through the bridge. */
    public void install(Consumer<Throwable> onFailure) {
        TinygramBridge.onOpen = guarded(c -> open(c), onFailure);
        TinygramBridge.onClose = guarded(c -> close(c), onFailure);
        TinygramBridge.onShutdownOutput = guarded(c -> shutdownOutput(c), onFailure);
        TinygramBridge.onReadStart = guarded(c -> readStart(c), onFailure);
        TinygramBridge.onChannelReadStart = guarded(c -> channelReadStart(c), onFailure);
        TinygramBridge.onSelect = guarded(s -> select(s), onFailure);
        TinygramBridge.onNodelay = (c, on) -> {
            try {
                nodelay(c, on);
            } catch (Throwable t) {
                onFailure.accept(t);
            }
        };
        TinygramBridge.onReadEnd = (c, n) -> {
            try {
                readEnd(c, n);
            } catch (Throwable t) {
                onFailure.accept(t);
            }
        };
        installCoalesceHook(policy, onFailure);
        TinygramBridge.onWrite = (c, n) -> {
            try {
                write(c, n);
            } catch (Throwable t) {
                onFailure.accept(t);
            }
        };
    }

    /**
     * Changes the fix while the application runs. New writes stop being buffered at once when coalescing ends;
     * each connection then catches up at its next event, and coalescers are retired (sent and let through) here,
     * so nothing is left buffered.
     */
    public void changeFix(FixPolicy fix, Coalescing coalescing, Consumer<Throwable> onFailure) {
        Policy next = new Policy(fix, coalescing, policy.version() + 1);
        policy = next;
        // Drained before the hooks go: a write that bypassed a coalescer still holding bytes would overtake them.
        if (coalescing == null) retireCoalescers();
        installCoalesceHook(next, onFailure);
    }

    /** Stands down: sends anything buffered, and gives every socket tinygram fixed back its own TCP_NODELAY. */
    public void release() {
        TinygramBridge.runAsAgent(() -> {
            for (Map.Entry<Object, Connection> e : connections) {
                Connection c = e.getValue();
                if (c == untracked || !c.fixed()) continue;
                try {
                    Coalescer coalescer = c.coalescer();
                    if (coalescer != null) coalescer.retire(e.getKey());
                    if (!c.appNodelay()) Nodelay.set(e.getKey(), false);
                } catch (Exception ignored) {
                    // a socket that broke meanwhile: the application will see that itself
                }
                c.unfixed();
            }
        });
    }

    public long connectionsTracked() {
        return tracked.get();
    }

    /** Connections currently in the map (closed and collected ones drop out). */
    public long connectionsOpen() {
        long n = 0;
        for (Map.Entry<Object, Connection> e : connections) {
            if (e.getValue() != untracked) n++;
        }
        return n;
    }

    public long findings() {
        return findings.get();
    }

    /**
     * The write and flush hooks exist only while coalescing: otherwise a read, or any flush() in the JVM, would
     * come into the agent only to find nothing buffered.
     */
    private void installCoalesceHook(Policy p, Consumer<Throwable> onFailure) {
        if (p.coalescing() == null) {
            TinygramBridge.onCoalesce = null;
            TinygramBridge.onFlush = null;
            return;
        }
        TinygramBridge.onFlush = (c, why) -> {
            try {
                return flush(c, why);
            } catch (Throwable t) {
                onFailure.accept(t);
                return null;
            }
        };
        TinygramBridge.onCoalesce = (c, data) -> {
            try {
                return coalesce(c, data);
            } catch (Throwable t) {
                onFailure.accept(t);
                return null;
            }
        };
    }

    private void retireCoalescers() {
        TinygramBridge.runAsAgent(() -> {
            for (Map.Entry<Object, Connection> e : connections) {
                Coalescer coalescer = e.getValue().coalescer();
                if (coalescer != null) {
                    coalescer.retire(e.getKey());
                    e.getValue().dropCoalescer();
                }
            }
        });
    }

    // ---- handlers --------------------------------------------------------------------------------------------

    void open(Object socket) throws Exception {
        connection(socket, true);
    }

    void close(Object socket) {
        Connection c = connections.remove(socket);
        connections.expungeStaleEntries();
        Coalescer coalescer = c == null ? null : c.coalescer();
        if (coalescer != null) coalescer.outputEnded();   // flushed just before, by the close hook
        if (socket instanceof SelectableChannel) channelsAwaitingAnswer.remove(socket);
        if (c != null && c != untracked) sink.closed(c.endpoint);
    }

    void write(Object socket, long bytes) throws Exception {
        Connection c = connection(socket, false);
        if (c == untracked) return;
        c.write(clock.getAsLong(), bytes);
        if (socket instanceof SelectableChannel && !((SelectableChannel) socket).isBlocking()) {
            channelsAwaitingAnswer.add((SelectableChannel) socket);
        }
    }

    /**
     * mode=coalesce: the model sees the application's write as it was made; then the socket's coalescer buffers
     * it, unless a reader is already waiting on the connection (nothing may wait behind it), or the write starts
     * a burst where the last burst was one write ({@link CoalescingRule#sendsAtOnce}).
     */
    Object coalesce(Object socket, ByteBuffer data) throws Exception {
        Connection c = connection(socket, false);
        if (c == untracked) return null;
        c.write(clock.getAsLong(), data.remaining());
        Coalescer coalescer = c.coalescer();
        if (coalescer == null) return null;
        if (c.writeGoesAtOnce()) return coalescer.sendThenWriteThrough(socket);
        return coalescer.write(socket, data);
    }

    Object flush(Object socketOrStream, int why) throws Exception {
        Object socket = why == TinygramBridge.EXPLICIT_FLUSH ? streams.socketOf(socketOrStream) : socketOrStream;
        if (socket == null) return null;
        Connection c = connections.get(socket);
        Coalescer coalescer = c == null ? null : c.coalescer();
        if (coalescer == null) return null;
        return coalescer.flush(socket, causeOf(why));
    }

    private static CoalesceStats.Cause causeOf(int why) {
        switch (why) {
            case TinygramBridge.BEFORE_READ: return CoalesceStats.Cause.READ;
            case TinygramBridge.BEFORE_SHUTDOWN: return CoalesceStats.Cause.SHUTDOWN;
            case TinygramBridge.EXPLICIT_FLUSH: return CoalesceStats.Cause.FLUSH;
            default: return CoalesceStats.Cause.CLOSE;
        }
    }

    void readStart(Object socket) throws Exception {
        Connection c = connection(socket, false);
        if (c == untracked) return;
        StallPrediction p = c.readStart(clock.getAsLong());
        if (p != null && p.stall()) onStallPredicted(socket, c);
    }

    /** scope=flagged: a predicted stall turns TCP_NODELAY on, which also pushes the held bytes out now. */
    private void onStallPredicted(Object socket, Connection c) throws Exception {
        FixPolicy fix = policy.fix();
        if (fix.nodelay() && fix.flaggedOnly() && !c.fixed() && fix.appliesTo(c.endpoint)) {
            Nodelay.enable(socket);
            c.fixedWith("nodelay");
        }
    }

    /** A channel read can only wait when the channel is blocking; a non-blocking read's wait is its select. */
    void channelReadStart(Object channel) throws Exception {
        if (((SelectableChannel) channel).isBlocking()) readStart(channel);
    }

    void readEnd(Object socket, long bytes) throws Exception {
        Connection c = connection(socket, false);
        if (c == untracked) return;
        long now = clock.getAsLong();
        if (bytes == 0 && socket instanceof SelectableChannel && !((SelectableChannel) socket).isBlocking()) {
            StallPrediction p = c.readStart(now);   // nothing there yet: from here the app waits for it
            if (p != null && p.stall()) onStallPredicted(socket, c);
            return;
        }
        if (socket instanceof SelectableChannel) channelsAwaitingAnswer.remove(socket);
        Finding finding = c.readEnd(now, bytes);
        if (finding != null) {
            findings.incrementAndGet();
            sink.record(finding);
        }
    }

    /** Output is shut down: later writes must fail in the JDK as they would without tinygram, not be buffered. */
    void shutdownOutput(Object socket) throws Exception {
        Connection c = connection(socket, false);
        if (c == untracked) return;
        c.shutdownOutput(clock.getAsLong());
        Coalescer coalescer = c.coalescer();
        if (coalescer != null) coalescer.outputEnded();   // flushed just before, by the shutdown hook
    }

    /**
     * The application set TCP_NODELAY. Where tinygram enforces it, turning it off is undone at once: mode=nodelay
     * means the stall must not come back, and libraries turn Nagle on deliberately (spymemcached does).
     */
    void nodelay(Object socket, boolean on) throws Exception {
        Connection c = connection(socket, false);
        if (c == untracked) return;
        c.appNodelay(clock.getAsLong(), on);
        if (!on && c.fixed()) {
            Nodelay.enable(socket);
            c.fixedWith(c.coalescer() != null ? "coalesced" : "nodelay");
            sink.nodelayRestored(c.endpoint, callSites.capture());
        }
    }

    /** A select is the wait of every channel registered with it for reading that has written and not read. */
    void select(Object selector) throws Exception {
        if (channelsAwaitingAnswer.isEmpty()) return;
        long now = clock.getAsLong();
        for (SelectableChannel channel : channelsAwaitingAnswer) {
            SelectionKey key = channel.keyFor((Selector) selector);
            if (key == null || !key.isValid() || (key.interestOps() & SelectionKey.OP_READ) == 0) continue;
            Connection c = connections.get(channel);
            if (c != null && c != untracked && c.awaitingAnswer()) {
                StallPrediction p = c.readStart(now);
                if (p != null && p.stall()) onStallPredicted(channel, c);
            }
        }
    }

    // ---- state -----------------------------------------------------------------------------------------------

    private Connection connection(Object socket, boolean fresh) throws Exception {
        Connection c = connections.get(socket);
        if (c == null) {
            Endpoint endpoint;
            try {
                endpoint = endpoints.of(socket);
                if (endpoint == null) {
                    // not a connected TCP socket; remember that only if it never will be one (Unix domain)
                    if (endpoints.neverTcp(socket)) connections.put(socket, untracked);
                    return untracked;
                }
            } catch (IOException closed) {
                return untracked;   // used after close (the JDK call will say so to the application): not ours
            }
            c = new Connection(endpoint, new ConnectionModel(config(endpoint, fresh)), callSites);
            connections.expungeStaleEntries();
            Connection raced = connections.putIfAbsent(socket, c);
            if (raced != null) return raced;
            tracked.incrementAndGet();
        }
        if (c != untracked && c.policyVersion != policy.version()) applyPolicy(socket, c);
        return c;
    }

    /** Sets a connection up for the fix in force: nodelay, a coalescer, or back to the application's own. */
    private void applyPolicy(Object socket, Connection c) throws Exception {
        Policy p = policy;
        synchronized (c) {
            if (c.policyVersion == p.version()) return;
            c.policyVersion = p.version();
        }
        FixPolicy fix = p.fix();
        boolean applies = fix.fixes() && fix.appliesTo(c.endpoint);
        boolean coalesce = applies && p.coalescing() != null && c.endpoint.api() == Api.SOCKET;
        Coalescer old = c.coalescer();
        if (old != null && !coalesce) {
            old.retire(socket);
            c.dropCoalescer();
            old = null;
        }
        if (!applies || (fix.flaggedOnly() && !c.fixed())) {
            if (c.fixed() && !c.appNodelay()) Nodelay.set(socket, false);
            if (c.fixed()) c.unfixed();
            return;
        }
        if (fix.flaggedOnly()) return;   // already fixed at its first predicted stall: keep it
        Nodelay.enable(socket);
        if (coalesce) {
            if (old == null) {
                int bound = fix.coalesceBytes() > 0 ? fix.coalesceBytes() : c.mss();
                c.coalesceWith(new Coalescer(bound, fix.maxDelayNanos(), p.coalescing().writer(),
                        p.coalescing().timer(), p.coalescing().senders(), p.coalescing().stats(), clock));
            }
        } else {
            if (fix.coalesce()) sink.coalesceFallback(c.endpoint);
            c.fixedWith("nodelay");
        }
    }

    private ConnectionModel.Config config(Endpoint endpoint, boolean fresh) {
        int mss = settings.mss() > 0 ? settings.mss() : endpoints.mss(endpoint.local());
        long rtt = endpoint.loopback() ? LOOPBACK_RTT_NANOS : DEFAULT_RTT_NANOS;
        return new ConnectionModel.Config(settings.profile(), mss, rtt, endpoint.nodelay(), fresh);
    }

    private static Consumer<Object> guarded(ThrowingConsumer handler, Consumer<Throwable> onFailure) {
        return argument -> {
            try {
                handler.accept(argument);
            } catch (Throwable t) {
                onFailure.accept(t);
            }
        };
    }

    @FunctionalInterface
    private interface ThrowingConsumer {
        void accept(Object argument) throws Exception;
    }
}
