package dev.tinygram.bootstrap;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the code woven into java.base calls (the hooks package's table says which method where). One static method
 * per {@link EventSink} event, all of the same shape: take the one installed sink, enter the guard, call, leave; and
 * a few adapters that turn what a JDK method returned into an event. The guard is woven nowhere: no method here
 * throws anything but an IOException the JDK method declares, so woven code needs no handler of its own. The guard is written once ({@link #enter},
 * {@link #failed}): a thread already inside the agent is not observed again (the agent's own socket calls), and
 * any throwable but a declared IOException takes the sink out and tells it so, never reaching the application.
 *
 * <p>This class and {@link EventSink} are all tinygram puts in the boot loader; both speak only JDK types.
 */
public final class TinygramBridge {
    private static final AtomicReference<EventSink> SINK = new AtomicReference<>();

    private static final ThreadLocal<boolean[]> IN_AGENT = ThreadLocal.withInitial(() -> new boolean[1]);
    /** When this thread's connect began: woven code has no local of its own to keep it in. */
    private static final ThreadLocal<long[]> CONNECT_STARTED = ThreadLocal.withInitial(() -> new long[1]);
    /** {connection, IOException}: a close's flush failure, thrown once the close has closed. */
    private static final ThreadLocal<Object[]> CLOSE_FAILURE = ThreadLocal.withInitial(() -> new Object[2]);

    private TinygramBridge() {}

    /** Routes every event to {@code next} from now on; null routes them nowhere. */
    public static void install(EventSink next) {
        SINK.set(next);
    }

    /**
     * Routes every event to {@code next} instead of {@code expected}; false, changing nothing, when {@code
     * expected} is no longer the sink (the agent stood down meanwhile, and must stay down).
     */
    public static boolean replace(EventSink expected, EventSink next) {
        return SINK.compareAndSet(expected, next);
    }

    /** The sink installed now, or null. */
    public static EventSink installed() {
        return SINK.get();
    }

    /** Removes the sink: the JDK code runs on exactly as it would without the agent. */
    public static void clear() {
        SINK.set(null);
    }

    // ---- events, in the order a connection meets them ------------------------------------------------------

    public static void opened(Object connection, long connectNanos) {
        EventSink s = SINK.get();
        boolean[] guard = enter(s);
        if (guard == null) return;
        try {
            s.opened(connection, connectNanos);
        } catch (Throwable t) {
            failed(s, t);
        } finally {
            guard[0] = false;
        }
    }

    /** A connect is starting on this thread. */
    public static void connecting() {
        try {
            CONNECT_STARTED.get()[0] = System.nanoTime();
        } catch (Throwable t) {
            failed(SINK.get(), t);
        }
    }

    /** A blocking connect returned: connected, in the time since {@link #connecting}. */
    public static void connected(Object connection) {
        long took;
        try {
            took = System.nanoTime() - CONNECT_STARTED.get()[0];
        } catch (Throwable t) {
            failed(SINK.get(), t);
            return;
        }
        opened(connection, took);
    }

    /** A channel's connect returned; true when it connected at once (blocking, or a quick loopback connect). */
    public static void connectReturned(boolean connected, Object channel) {
        if (connected) connected(channel);
    }

    /** A non-blocking connect finished: no time to tell, it was spent between the application's calls. */
    public static void finishConnectReturned(boolean connected, Object channel) {
        if (connected) opened(channel, -1);
    }

    /** A connection was accepted; null (a non-blocking accept with nothing waiting) is ignored. */
    public static void accepted(Object connection) {
        if (connection == null) return;
        EventSink s = SINK.get();
        boolean[] guard = enter(s);
        if (guard == null) return;
        try {
            s.accepted(connection);
        } catch (Throwable t) {
            failed(s, t);
        } finally {
            guard[0] = false;
        }
    }

    /** {@code setOption(SocketOption, value)} returned: only TCP_NODELAY is of interest. */
    public static void optionSet(Object connection, Object option, Object value) {
        if (option == StandardSocketOptions.TCP_NODELAY && value instanceof Boolean) {
            nodelaySet(connection, (Boolean) value);
        }
    }

    /** {@code setOption(int, value)} returned: 0x0001 is {@code java.net.SocketOptions.TCP_NODELAY}. */
    public static void legacyOptionSet(Object connection, int option, Object value) {
        if (option == 0x0001 && value instanceof Boolean) nodelaySet(connection, (Boolean) value);
    }

    public static void nodelaySet(Object connection, boolean on) {
        EventSink s = SINK.get();
        boolean[] guard = enter(s);
        if (guard == null) return;
        try {
            s.nodelaySet(connection, on);
        } catch (Throwable t) {
            failed(s, t);
        } finally {
            guard[0] = false;
        }
    }

    /** True when the sink took the bytes and the JDK write must be skipped. */
    public static boolean writing(Object socket, byte[] bytes, int offset, int length) throws IOException {
        // no-ops and bad arguments go on to the JDK's own code, which returns or throws as without the agent
        if (length <= 0 || bytes == null || offset < 0 || offset > bytes.length - length) return false;
        EventSink s = SINK.get();
        boolean[] guard = enter(s);
        if (guard == null) return false;
        try {
            return s.writing(socket, bytes, offset, length);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            failed(s, t);
            return false;
        } finally {
            guard[0] = false;
        }
    }

    /** A channel write is about to go to the kernel; only while the sink may coalesce does it hear of it. */
    public static void channelWriting(Object channel, ByteBuffer source) {
        EventSink s = SINK.get();
        if (s == null || source == null) return;   // a null: the JDK's own check throws, as without the agent
        try {
            if (!s.buffersWrites()) return;
        } catch (Throwable t) {
            failed(s, t);
            return;
        }
        channelWriting(s, channel, source.remaining());
    }

    /** The same for a gathering write of {@code sources[offset, offset + length)}. */
    public static void channelWriting(Object channel, ByteBuffer[] sources, int offset, int length) {
        EventSink s = SINK.get();
        // bad arguments: the JDK's own checks throw, as without the agent
        if (s == null || sources == null || offset < 0 || length < 0 || offset > sources.length - length) return;
        long bytes = 0;
        try {
            if (!s.buffersWrites()) return;
            for (int i = offset; i < offset + length; i++) {
                if (sources[i] == null) return;
                bytes += sources[i].remaining();
            }
        } catch (Throwable t) {
            failed(s, t);
            return;
        }
        channelWriting(s, channel, bytes);
    }

    private static void channelWriting(EventSink s, Object channel, long bytes) {
        boolean[] guard = enter(s);
        if (guard == null) return;
        try {
            s.channelWriting(channel, bytes);
        } catch (Throwable t) {
            failed(s, t);
        } finally {
            guard[0] = false;
        }
    }

    /** A channel write returned what the kernel took, 0 or more. */
    public static void channelWritten(int written, Object channel) {
        if (written > 0) written(channel, written);
    }

    public static void channelWritten(long written, Object channel) {
        if (written > 0) written(channel, written);
    }

    public static void written(Object channel, long bytes) {
        EventSink s = SINK.get();
        boolean[] guard = enter(s);
        if (guard == null) return;
        try {
            s.written(channel, bytes);
        } catch (Throwable t) {
            failed(s, t);
        } finally {
            guard[0] = false;
        }
    }

    public static void readStarting(Object connection) throws IOException {
        EventSink s = SINK.get();
        boolean[] guard = enter(s);
        if (guard == null) return;
        try {
            s.readStarting(connection);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            failed(s, t);
        } finally {
            guard[0] = false;
        }
    }

    public static void channelReadStarting(Object channel) {
        EventSink s = SINK.get();
        boolean[] guard = enter(s);
        if (guard == null) return;
        try {
            s.channelReadStarting(channel);
        } catch (Throwable t) {
            failed(s, t);
        } finally {
            guard[0] = false;
        }
    }

    /** A read returned: bytes, 0, or -1 at the end of the stream. */
    public static void readReturned(int read, Object connection) {
        readEnded(connection, read);
    }

    public static void readReturned(long read, Object connection) {
        readEnded(connection, read);
    }

    /** A read threw: it ended with nothing read. */
    public static void readFailed(Object connection) {
        readEnded(connection, 0);
    }

    public static void readEnded(Object connection, long bytes) {
        EventSink s = SINK.get();
        boolean[] guard = enter(s);
        if (guard == null) return;
        try {
            s.readEnded(connection, bytes);
        } catch (Throwable t) {
            failed(s, t);
        } finally {
            guard[0] = false;
        }
    }

    /**
     * Every {@code OutputStream.flush()} in the JVM comes here: unless the sink buffers writes, it returns before
     * the guard's thread-local lookup.
     */
    public static void streamFlushed(Object stream) throws IOException {
        EventSink s = SINK.get();
        if (s == null) return;
        try {
            if (!s.buffersWrites()) return;
        } catch (Throwable t) {
            failed(s, t);
            return;
        }
        boolean[] guard = enter(s);
        if (guard == null) return;
        try {
            s.streamFlushed(stream);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            failed(s, t);
        } finally {
            guard[0] = false;
        }
    }

    public static void outputShuttingDown(Object connection) throws IOException {
        EventSink s = SINK.get();
        boolean[] guard = enter(s);
        if (guard == null) return;
        try {
            s.outputShuttingDown(connection);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            failed(s, t);
        } finally {
            guard[0] = false;
        }
    }

    public static void outputShutDown(Object connection) {
        EventSink s = SINK.get();
        boolean[] guard = enter(s);
        if (guard == null) return;
        try {
            s.outputShutDown(connection);
        } catch (Throwable t) {
            failed(s, t);
        } finally {
            guard[0] = false;
        }
    }

    /**
     * A close is starting: what is held is flushed first. If that fails, the close must still close, and throw the
     * failure after ({@link #closed}).
     */
    public static void closing(Object connection) {
        Object[] failure;
        try {
            failure = clearedCloseFailure();   // whatever an earlier close left, even one made with no sink
        } catch (Throwable t) {
            failed(SINK.get(), t);
            return;
        }
        EventSink s = SINK.get();
        boolean[] guard = enter(s);
        if (guard == null) return;
        try {
            try {
                s.closing(connection);
            } catch (IOException e) {
                failure[0] = connection;
                failure[1] = e;
            }
        } catch (Throwable t) {
            failed(s, t);
        } finally {
            guard[0] = false;
        }
    }

    /**
     * The close threw: its own throwable goes on to the application, and a flush failure {@link #closing} kept is
     * dropped with it, as a close reports one failure. Not kept either: the thread may be a pool's.
     */
    public static void closeThrew(Object connection) {
        try {
            clearedCloseFailure();
        } catch (Throwable t) {
            failed(SINK.get(), t);
        }
    }

    /** This thread's close-failure stash, emptied. */
    private static Object[] clearedCloseFailure() {
        Object[] failure = CLOSE_FAILURE.get();
        failure[0] = null;
        failure[1] = null;
        return failure;
    }

    /** The close returned: throws the flush failure {@link #closing} kept for this connection, if any. */
    public static void closed(Object connection) throws IOException {
        IOException thrown;
        try {
            Object[] failure = CLOSE_FAILURE.get();
            if (failure[0] != connection || failure[1] == null) return;
            thrown = (IOException) failure[1];
            failure[0] = null;
            failure[1] = null;
        } catch (Throwable t) {
            failed(SINK.get(), t);
            return;
        }
        throw thrown;
    }

    public static void selecting(Object selector) {
        EventSink s = SINK.get();
        boolean[] guard = enter(s);
        if (guard == null) return;
        try {
            s.selecting(selector);
        } catch (Throwable t) {
            failed(s, t);
        } finally {
            guard[0] = false;
        }
    }

    // ---- the guard -------------------------------------------------------------------------------------------

    /** Runs agent work from a thread of the agent's own (a timed flush): its JDK calls are not observed. */
    public static void runAsAgent(Runnable work) {
        boolean[] guard = IN_AGENT.get();
        boolean outer = guard[0];
        guard[0] = true;
        try {
            work.run();
        } finally {
            guard[0] = outer;
        }
    }

    /** The guard to clear on the way out, or null when there is no sink or this thread is already inside it. */
    private static boolean[] enter(EventSink s) {
        if (s == null) return null;
        boolean[] guard = IN_AGENT.get();
        if (guard[0]) return null;
        guard[0] = true;
        return guard;
    }

    /** Last line of defence: takes the failing sink out, then lets it stand the agent down. */
    private static void failed(EventSink s, Throwable t) {
        if (s == null) return;   // nothing installed: nothing to take out, and nothing of the agent's to blame
        SINK.compareAndSet(s, null);
        try {
            s.failed(t);
        } catch (Throwable ignored) {
            System.err.println("tinygram: disabled after an internal error (" + t + "); the application continues"
                    + " without tinygram");
        }
    }
}
