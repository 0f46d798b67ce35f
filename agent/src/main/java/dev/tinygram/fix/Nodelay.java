package dev.tinygram.fix;

import java.net.SocketOptions;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

/** Sets TCP_NODELAY on a JDK socket object through its public API; the kernel pushes whatever it held. */
public final class Nodelay {
    private Nodelay() {}

    /**
     * Turns TCP_NODELAY on. Call only from inside a hook: the bridge's guard keeps this from being seen as the
     * application's own setOption.
     */
    public static void enable(Object socket) {
        set(socket, true);
    }

    /** Sets TCP_NODELAY to {@code on}; same calling rule as {@link #enable}. */
    public static void set(Object socket, boolean on) {
        try {
            if (socket instanceof SocketChannel) {
                ((SocketChannel) socket).setOption(StandardSocketOptions.TCP_NODELAY, on);
            } else {
                ((SocketOptions) socket).setOption(SocketOptions.TCP_NODELAY, on);
            }
        } catch (java.io.IOException closed) {
            // closed, closing or broken: nothing to set, and the application will hear of it from its own call
        }
    }
}
