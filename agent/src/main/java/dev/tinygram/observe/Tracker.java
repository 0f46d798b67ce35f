package dev.tinygram.observe;

import com.blogspot.mydailyjava.weaklockfree.WeakConcurrentMap;
import dev.tinygram.bootstrap.TinygramBridge;
import dev.tinygram.core.ConnectionModel;
import dev.tinygram.core.Profile;
import dev.tinygram.core.StallPrediction;
import dev.tinygram.fix.CoalesceStats;
import dev.tinygram.fix.Coalescer;
import dev.tinygram.fix.FixPolicy;
import dev.tinygram.fix.FlushTimer;
import dev.tinygram.fix.SocketStreams;
import dev.tinygram.fix.SocketWriter;
import dev.tinygram.fix.Nodelay;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Receives the hooks' events and keeps one {@link Connection} per JDK socket object, in a weak identity map so
 * that state dies with the socket. Feeds each connection's decision core and hands findings to the sink.
 *
 * <p>Every handler may throw: the caller (the bridge, via {@link #install}) turns any throwable into the agent
 * standing down, never into an exception in the application.
 */
public final class Tracker {
    private static final long LOOPBACK_RTT_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long DEFAULT_RTT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Settings that shape the model and the fix. {@code mss <= 0} means "from the interface's MTU". */
    public record Settings(Profile profile, int mss, int stackDepth, FixPolicy fix) {}

    /** What coalescing needs, made once: null unless mode=coalesce. */
    public record Coalescing(SocketWriter writer, FlushTimer timer, CoalesceStats stats) {}

    private final Settings settings;
    private final Endpoints endpoints;
    private final CallSites callSites;
    private final FindingSink sink;
    private final LongSupplier clock;
    private final WeakConcurrentMap<Object, Connection> connections = new WeakConcurrentMap.WithInlinedExpunction<>();
    /** A placeholder for objects that are not connected TCP sockets (listeners, Unix-domain channels). */
    private final Connection untracked = new Connection(null, null, null);
    /** Channels with a write burst and no read yet: a select on their selector is their wait. */
    private final Set<SelectableChannel> channelsAwaitingAnswer = ConcurrentHashMap.newKeySet();
    private final AtomicLong tracked = new AtomicLong();
    private final AtomicLong findings = new AtomicLong();

    private final Coalescing coalescing;
    private final SocketStreams streams = new SocketStreams();

    public Tracker(Settings settings, Endpoints endpoints, FindingSink sink, LongSupplier clock, Coalescing coalescing) {
        this.settings = settings;
        this.coalescing = coalescing;
        this.endpoints = endpoints;
        this.callSites = new CallSites(settings.stackDepth());
        this.sink = sink;
        this.clock = clock;
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
        if (coalescing != null) {
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
        TinygramBridge.onWrite = (c, n) -> {
            try {
                write(c, n);
            } catch (Throwable t) {
                onFailure.accept(t);
            }
        };
    }

    public long connectionsTracked() {
        return tracked.get();
    }

    public long findings() {
        return findings.get();
    }

    // ---- handlers --------------------------------------------------------------------------------------------

    void open(Object socket) throws Exception {
        connection(socket, true);
    }

    void close(Object socket) {
        Connection c = connections.remove(socket);
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
     * it, unless a reader is already waiting on the connection, in which case nothing may wait behind it.
     */
    Object coalesce(Object socket, ByteBuffer data) throws Exception {
        Connection c = connection(socket, false);
        if (c == untracked) return null;
        c.write(clock.getAsLong(), data.remaining());
        Coalescer coalescer = c.coalescer();
        if (coalescer == null) return null;
        if (c.reading()) return coalescer.flush(socket, CoalesceStats.Cause.READ);
        return coalescer.write(socket, data);
    }

    Object flush(Object socketOrStream, int why) throws IllegalAccessException {
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
        FixPolicy fix = settings.fix();
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

    void shutdownOutput(Object socket) throws Exception {
        Connection c = connection(socket, false);
        if (c != untracked) c.shutdownOutput(clock.getAsLong());
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
            c.fixedWith("nodelay");
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
        if (c != null) return c;
        Endpoint endpoint = endpoints.of(socket);
        if (endpoint == null) {
            // not a connected TCP socket; remember that only if it never will be one (a Unix-domain channel)
            if (endpoints.neverTcp(socket)) connections.put(socket, untracked);
            return untracked;
        }
        c = new Connection(endpoint, new ConnectionModel(config(endpoint, fresh)), callSites);
        Connection raced = connections.putIfAbsent(socket, c);
        if (raced != null) return raced;
        tracked.incrementAndGet();
        FixPolicy fix = settings.fix();
        if (fix.nodelay() && !fix.flaggedOnly() && fix.appliesTo(endpoint)) {
            Nodelay.enable(socket);
            if (coalescing != null && endpoint.api() == Api.SOCKET) {
                int bound = fix.coalesceBytes() > 0 ? fix.coalesceBytes() : c.mss();
                c.coalesceWith(new Coalescer(bound, fix.maxDelayNanos(), coalescing.writer(), coalescing.timer(),
                        coalescing.stats(), clock));
            } else {
                if (fix.coalesce()) sink.coalesceFallback(endpoint);
                c.fixedWith("nodelay");
            }
        }
        return c;
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
