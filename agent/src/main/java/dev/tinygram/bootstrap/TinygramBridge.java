package dev.tinygram.bootstrap;

import java.nio.ByteBuffer;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.ObjLongConsumer;

/**
 * The one class tinygram puts on the bootstrap class path. Advice inlined into java.base calls these static
 * methods; they forward to the agent through JDK functional types only, so nothing of the agent's own has to be
 * visible from the bootstrap loader. Every hook is null until the agent installs it, and all go back to null
 * when the agent stands down.
 *
 * <p>A per-thread guard keeps the agent's own work inside a hook from being observed again.
 */
public final class TinygramBridge {
    /** (connection, bytes): the application wrote bytes. */
    public static volatile ObjLongConsumer<Object> onWrite;
    /** (connection, bytes): a read ended; bytes &gt; 0 data, 0 nothing (timeout, empty), -1 end of stream. */
    public static volatile ObjLongConsumer<Object> onReadEnd;
    /** (connection): a blocking read is about to wait. */
    public static volatile Consumer<Object> onReadStart;
    /** (channel): a channel read is starting; the agent decides whether it can block. */
    public static volatile Consumer<Object> onChannelReadStart;
    /** (connection, on): TCP_NODELAY was set. */
    public static volatile BiConsumer<Object, Boolean> onNodelay;
    /** (connection): connected or accepted. */
    public static volatile Consumer<Object> onOpen;
    /** (connection): output shut down (FIN sent). */
    public static volatile Consumer<Object> onShutdownOutput;
    /** (connection): closed. */
    public static volatile Consumer<Object> onClose;
    /** (selector): a thread is about to wait in select. */
    public static volatile Consumer<Object> onSelect;

    /**
     * (socket, bytes) in mode=coalesce: returns null to let the JDK write run, {@code Boolean.TRUE} when the bytes
     * were buffered (the JDK write is skipped), or a Throwable for the write to throw. Writes are counted by it.
     */
    public static volatile BiFunction<Object, ByteBuffer, Object> onCoalesce;
    /**
     * (socket, why): send what is buffered, before a read ({@link #BEFORE_READ}), a shutdown or a close; returns
     * null or a Throwable to throw.
     */
    public static volatile BiFunction<Object, Integer, Object> onFlush;
    public static final int BEFORE_READ = 0;
    public static final int BEFORE_SHUTDOWN = 1;
    public static final int BEFORE_CLOSE = 2;
    /** An OutputStream was flushed; the agent finds out whether it belongs to a socket. */
    public static final int EXPLICIT_FLUSH = 3;

    private static final ThreadLocal<boolean[]> IN_HOOK = ThreadLocal.withInitial(() -> new boolean[1]);

    private TinygramBridge() {}

    public static void write(Object connection, long bytes) {
        call(onWrite, connection, bytes);
    }

    /** A write of an array to a socket: coalesced in mode=coalesce, else counted. See {@link #onCoalesce}. */
    public static Object streamWrite(Object connection, byte[] bytes, int offset, int length) {
        BiFunction<Object, ByteBuffer, Object> coalesce = onCoalesce;
        if (coalesce == null) {
            call(onWrite, connection, length);
            return null;
        }
        boolean[] guard = IN_HOOK.get();
        if (guard[0]) return null;
        guard[0] = true;
        try {
            return coalesce.apply(connection, ByteBuffer.wrap(bytes, offset, length));
        } catch (Throwable t) {
            standDown(t);
            return null;
        } finally {
            guard[0] = false;
        }
    }

    /** A channel write the kernel took (channel writes are never coalesced). */
    public static void channelWritten(Object channel, long bytes) {
        call(onWrite, channel, bytes);
    }

    /** Sends what is buffered for this socket; returns null, or the Throwable the caller must throw. */
    public static Object flush(Object connection, int why) {
        BiFunction<Object, Integer, Object> hook = onFlush;
        if (hook == null) return null;
        boolean[] guard = IN_HOOK.get();
        if (guard[0]) return null;
        guard[0] = true;
        try {
            return hook.apply(connection, why);
        } catch (Throwable t) {
            standDown(t);
            return null;
        } finally {
            guard[0] = false;
        }
    }

    /** Runs agent work from a thread of the agent's own (a timed flush): its JDK calls are not observed. */
    public static void runAsAgent(Runnable work) {
        boolean[] guard = IN_HOOK.get();
        boolean outer = guard[0];
        guard[0] = true;
        try {
            work.run();
        } finally {
            guard[0] = outer;
        }
    }

    public static void readEnd(Object connection, long bytes) {
        call(onReadEnd, connection, bytes);
    }

    public static void readStart(Object connection) {
        call(onReadStart, connection);
    }

    public static void channelReadStart(Object channel) {
        call(onChannelReadStart, channel);
    }

    public static void open(Object connection) {
        call(onOpen, connection);
    }

    public static void shutdownOutput(Object connection) {
        call(onShutdownOutput, connection);
    }

    public static void close(Object connection) {
        call(onClose, connection);
    }

    public static void select(Object selector) {
        call(onSelect, selector);
    }

    public static void nodelay(Object connection, boolean on) {
        BiConsumer<Object, Boolean> hook = onNodelay;
        if (hook == null) return;
        boolean[] guard = IN_HOOK.get();
        if (guard[0]) return;
        guard[0] = true;
        try {
            hook.accept(connection, on);
        } catch (Throwable t) {
            standDown(t);
        } finally {
            guard[0] = false;
        }
    }

    /** Removes every hook: the JDK code runs on exactly as it would without the agent. */
    public static void clear() {
        onWrite = null;
        onReadEnd = null;
        onReadStart = null;
        onChannelReadStart = null;
        onNodelay = null;
        onCoalesce = null;
        onFlush = null;
        onOpen = null;
        onShutdownOutput = null;
        onClose = null;
        onSelect = null;
    }

    private static void call(ObjLongConsumer<Object> hook, Object connection, long bytes) {
        if (hook == null) return;
        boolean[] guard = IN_HOOK.get();
        if (guard[0]) return;
        guard[0] = true;
        try {
            hook.accept(connection, bytes);
        } catch (Throwable t) {
            standDown(t);
        } finally {
            guard[0] = false;
        }
    }

    private static void call(Consumer<Object> hook, Object argument) {
        if (hook == null) return;
        boolean[] guard = IN_HOOK.get();
        if (guard[0]) return;
        guard[0] = true;
        try {
            hook.accept(argument);
        } catch (Throwable t) {
            standDown(t);
        } finally {
            guard[0] = false;
        }
    }

    /** Last line of defence: the agent's own handlers catch their errors, but nothing may reach the app. */
    private static void standDown(Throwable t) {
        boolean wasActive = onWrite != null;
        clear();
        if (wasActive) {
            System.err.println("tinygram: disabled after an internal error (" + t + "); the application continues"
                    + " without tinygram");
        }
    }
}
