package dev.tinygram.bench;

import dev.tinygram.bootstrap.TinygramBridge;
import dev.tinygram.core.Profile;
import dev.tinygram.fix.CoalesceStats;
import dev.tinygram.fix.Coalescing;
import dev.tinygram.fix.FixNotices;
import dev.tinygram.fix.FixPolicy;
import dev.tinygram.fix.Fixer;
import dev.tinygram.fix.SocketStreams;
import dev.tinygram.conn.Endpoint;
import dev.tinygram.fix.FlushTimer;
import dev.tinygram.fix.JdkWriter;
import dev.tinygram.fix.SendThreads;
import dev.tinygram.fix.SocketWriter;
import dev.tinygram.observe.CallSites;
import dev.tinygram.conn.Endpoints;
import dev.tinygram.tracker.Tracker;
import dev.tinygram.report.Findings;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.helpers.NOPLogger;

/**
 * What the benchmarks share: a real loopback connection and its client-side {@code sun.nio.ch.NioSocketImpl}
 * (the object the woven code passes to the bridge), and a {@link Tracker} built the way
 * {@code dev.tinygram.agent.AgentRuntime} builds one, installed into {@link TinygramBridge}.
 *
 * <p>Not a JMH state itself: each benchmark class owns one and opens and closes it around its trial.
 */
final class Rig {
    /** The agent's defaults: profile=auto, mss from the interface's MTU, stackDepth=32, maxDelay=1ms. */
    static final int STACK_DEPTH = 32;
    static final long MAX_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** One timer thread per JVM, as in the agent (AgentRuntime keeps one per maxDelay). */
    private static FlushTimer timer;

    private ServerSocket server;
    private Socket client;
    private Socket accepted;
    private Thread drainer;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** The client side's NioSocketImpl: what the hooks see as "the connection". */
    Object impl;
    Tracker tracker;
    Findings findings;
    CoalesceStats stats;

    /** Opens a loopback connection; {@code drain}: a thread reads and drops whatever reaches the server side. */
    Rig open(boolean drain) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        server = new ServerSocket(0, 1, loopback);
        client = new Socket();
        client.connect(new InetSocketAddress(loopback, server.getLocalPort()), 5_000);
        accepted = server.accept();
        impl = nioSocketImpl(client);
        if (drain) {
            InputStream in = accepted.getInputStream();
            drainer = new Thread(() -> {
                byte[] sink = new byte[64 * 1024];
                try {
                    while (in.read(sink) >= 0) {
                        // drop it: the client's writes must never block on a full receive buffer
                    }
                } catch (IOException closed) {
                    // the trial is over
                }
            }, "bench-drainer");
            drainer.setDaemon(true);
            drainer.start();
        }
        return this;
    }

    /** mode=observe: no fix, findings to a {@link Findings} that logs nowhere and has no report file. */
    Rig observe(LongSupplier clock) throws Exception {
        return install("observe", Fixer.none(), clock);
    }

    /**
     * The clock the tracker reads once per event: {@code system} is the agent's own, {@code System::nanoTime};
     * {@code synthetic} advances 1 us per read at the cost of a field increment, to take the platform's clock out
     * of a measurement (a diagnostic, not what the agent runs; single-threaded use only).
     */
    static LongSupplier clock(String name) {
        switch (name) {
            case "system": return System::nanoTime;
            case "synthetic": return new LongSupplier() {
                private long now = System.nanoTime();

                @Override
                public long getAsLong() {
                    return now += 1_000;
                }
            };
            default: throw new IllegalArgumentException("clock: system or synthetic, not " + name);
        }
    }

    /**
     * mode=coalesce, its buffers sent by {@code writer}: {@link JdkWriter} (NioSocketImpl.write, a real send on
     * the loopback connection) or a no-op (the agent's own work only).
     */
    Rig coalesce(SocketWriter writer) throws Exception {
        FixPolicy fix = new FixPolicy(true, true, false, List.of(), List.of(), MAX_DELAY_NANOS, 0);
        stats = new CoalesceStats();
        Coalescing kit = new Coalescing(writer, timer(), new SendThreads(), stats);
        Fixer.Context context = new Fixer.Context(SILENT, List::of, System::nanoTime, new SocketStreams());
        return install("coalesce", new Fixer(1, fix, kit, context), System::nanoTime);
    }

    static SocketWriter jdkWriter() throws ReflectiveOperationException {
        return new JdkWriter();
    }

    static SocketWriter noopWriter() {
        return (socket, bytes, offset, length) -> { };
    }

    static synchronized FlushTimer timer() {
        if (timer == null) timer = new FlushTimer(MAX_DELAY_NANOS);
        return timer;
    }

    /** Fix notices go nowhere, as findings do. */
    private static final FixNotices SILENT = new FixNotices() {
        @Override
        public void nodelayRestored(Endpoint endpoint, List<StackTraceElement> stack) {}

        @Override
        public void coalesceFallback(Endpoint endpoint) {}

        @Override
        public void corking(Endpoint endpoint) {}
    };

    private Rig install(String mode, Fixer fixer, LongSupplier clock) throws Exception {
        findings = new Findings(NOPLogger.NOP_LOGGER, null, mode, clock);
        // As AgentRuntime.standDown does: a failing handler clears the bridge. Recorded, so that a trial which
        // silently fell back to "no agent" is reported as broken rather than as fast.
        tracker = new Tracker(new Tracker.Settings(Profile.named("auto"), 0, STACK_DEPTH), new Endpoints(), findings,
                clock, fixer, t -> {
                    failure.compareAndSet(null, t);
                    TinygramBridge.clear();
                });
        new CallSites(STACK_DEPTH).capture();   // as AgentRuntime.install does: the first walk is slow
        tracker.install();
        // What the woven connect (on NioSocketImpl.connect) reports for a socket connected under the
        // agent: the tracker sees the connection from its start, as a fresh one.
        TinygramBridge.opened(impl, -1);
        check("setup");
        return this;
    }

    /** Throws if the agent stood down during the trial or never tracked the connection. */
    void check(String what) {
        Throwable t = failure.get();
        if (t != null) throw new IllegalStateException(what + ": the tracker failed and stood down", t);
        if (tracker != null && TinygramBridge.installed() != tracker) {
            throw new IllegalStateException(what + ": the bridge was cleared during the trial");
        }
        if (tracker != null && tracker.connectionsTracked() != 1) {
            throw new IllegalStateException(what + ": expected 1 tracked connection, saw "
                    + tracker.connectionsTracked());
        }
    }

    void close() throws IOException {
        TinygramBridge.clear();
        if (client != null) client.close();
        if (accepted != null) accepted.close();
        if (server != null) server.close();
        if (drainer != null) {
            try {
                drainer.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * {@code Socket.impl}, unwrapped to the {@code sun.nio.ch.NioSocketImpl}: JDK 17+ may put a SocksSocketImpl or
     * another DelegatingSocketImpl in front of it, holding it in a field {@code delegate}. Needs
     * {@code --add-opens java.base/java.net=ALL-UNNAMED}.
     */
    static Object nioSocketImpl(Socket socket) throws ReflectiveOperationException {
        Object current = field(Socket.class, "impl").get(socket);
        for (int hops = 0; hops < 4 && current != null; hops++) {
            if (current.getClass().getName().equals("sun.nio.ch.NioSocketImpl")) return current;
            Field delegate = null;
            for (Class<?> c = current.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                try {
                    delegate = field(c, "delegate");
                    break;
                } catch (NoSuchFieldException e) {
                    // look in the superclass
                }
            }
            if (delegate == null) break;
            current = delegate.get(current);
        }
        throw new IllegalStateException("no sun.nio.ch.NioSocketImpl behind " + socket + " (found "
                + (current == null ? "null" : current.getClass().getName()) + ")");
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
