package dev.tinygram.fix;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.util.Locale;

/**
 * Re-arms Linux's TCP_QUICKACK on a JDK socket object ({@code jdk.net.ExtendedSocketOptions.TCP_QUICKACK}): an ACK
 * the kernel was delaying goes now, and the next ones go at once. The kernel drops the option again as it sees
 * fit, so it is set after every read. Call only from inside a hook: the bridge's guard keeps the setOption from
 * being seen as the application's own.
 */
public final class Quickack {
    /** What a platform without the option says once, in the start-up log. */
    public static final String UNSUPPORTED = "quickack= needs Linux's TCP_QUICKACK (jdk.net.ExtendedSocketOptions),"
            + " which this platform does not have; it changes nothing here";

    private final SocketOption<Boolean> option;
    private final MethodHandle implSetOption;

    private Quickack(SocketOption<Boolean> option, MethodHandle implSetOption) {
        this.option = option;
        this.implSetOption = implSetOption;
    }

    /** The setter, or null where the option does not exist (not Linux). Needs sun.nio.ch opened to the agent. */
    @SuppressWarnings("unchecked")
    public static Quickack load() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) return null;
        try {
            Class<?> options = Class.forName("jdk.net.ExtendedSocketOptions");
            SocketOption<Boolean> option = (SocketOption<Boolean>) options.getField("TCP_QUICKACK").get(null);
            Class<?> impl = Class.forName("sun.nio.ch.NioSocketImpl");
            MethodHandle set = MethodHandles.privateLookupIn(impl, MethodHandles.lookup()).findVirtual(impl,
                    "setOption", MethodType.methodType(void.class, SocketOption.class, Object.class));
            return new Quickack(option, set);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Sets TCP_QUICKACK on {@code socket} (a SocketChannel, or a Socket's NioSocketImpl). */
    public void arm(Object socket) {
        try {
            if (socket instanceof SocketChannel) {
                ((SocketChannel) socket).setOption(option, true);
            } else {
                implSetOption.invoke(socket, option, true);
            }
        } catch (IOException | UnsupportedOperationException closedOrOdd) {
            // closed, closing or broken: nothing to set, and the application will hear of it from its own call
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
