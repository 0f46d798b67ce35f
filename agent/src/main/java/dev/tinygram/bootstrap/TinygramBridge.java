package dev.tinygram.bootstrap;

import java.util.function.BiConsumer;
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

    private static final ThreadLocal<boolean[]> IN_HOOK = ThreadLocal.withInitial(() -> new boolean[1]);

    private TinygramBridge() {}

    public static void write(Object connection, long bytes) {
        call(onWrite, connection, bytes);
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

    /** Whether the agent is listening at all: advice skips argument work when it is not. */
    public static boolean active() {
        return onWrite != null;
    }

    /** Removes every hook: the JDK code runs on exactly as it would without the agent. */
    public static void clear() {
        onWrite = null;
        onReadEnd = null;
        onReadStart = null;
        onChannelReadStart = null;
        onNodelay = null;
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
