package dev.tinygram.tracker;

import dev.tinygram.fix.ConnectionFix;
import dev.tinygram.observe.Connection;
import java.lang.ref.WeakReference;

/** One connection as the tracker holds it: what observe sees of it, and what the fix layer does to it. */
final class Tracked {
    /** For objects that are not connected TCP sockets (listeners, Unix-domain channels): nothing is tracked. */
    static final Tracked NOT_TCP = new Tracked(null, null, null);

    /** The JDK's socket, weakly: what {@link Connections}' cache of recent ones checks a hit against. */
    final WeakReference<Object> socket;
    final Connection watch;
    final ConnectionFix fix;

    Tracked(Object socket, Connection watch, ConnectionFix fix) {
        this.socket = socket == null ? null : new WeakReference<>(socket);
        this.watch = watch;
        this.fix = fix;
    }

    /** Closed: from now on this is no socket's state, wherever a racing cache write may have put it. */
    void forget() {
        if (socket != null) socket.clear();
    }

    /** Whether this is {@code candidate}'s state: never for {@link #NOT_TCP}, nor once forgotten. */
    boolean isOf(Object candidate) {
        return socket != null && socket.refersTo(candidate);
    }
}
