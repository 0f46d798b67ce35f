package dev.tinygram.fix;

import dev.tinygram.conn.Endpoint;
import java.util.List;

/** What the fix layer tells the user about, beside findings. */
public interface FixNotices {
    /** The application turned TCP_NODELAY off where tinygram enforces it; tinygram turned it back on. */
    void nodelayRestored(Endpoint endpoint, List<StackTraceElement> stack);

    /** mode=coalesce met a connection it cannot coalesce safely (a SocketChannel): it gets TCP_NODELAY. */
    void coalesceFallback(Endpoint endpoint);

    /** mode=coalesce coalesces a SocketChannel in the kernel, with TCP_CORK (JDK 22+ on Linux). */
    void corking(Endpoint endpoint);
}
