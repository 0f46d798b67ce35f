package dev.tinygram.tracker;

import dev.tinygram.fix.ConnectionFix;
import dev.tinygram.observe.Connection;

/** One connection as the tracker holds it: what observe sees of it, and what the fix layer does to it. */
final class Tracked {
    /** For objects that are not connected TCP sockets (listeners, Unix-domain channels): nothing is tracked. */
    static final Tracked NOT_TCP = new Tracked(null, null);

    final Connection watch;
    final ConnectionFix fix;

    Tracked(Connection watch, ConnectionFix fix) {
        this.watch = watch;
        this.fix = fix;
    }
}
