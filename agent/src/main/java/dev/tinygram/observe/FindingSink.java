package dev.tinygram.observe;

/** Where findings go: the log, the report file, the counters. */
public interface FindingSink {
    void record(Finding finding);

    /** The application turned TCP_NODELAY off where tinygram enforces it; tinygram turned it back on. */
    default void nodelayRestored(Endpoint endpoint, java.util.List<StackTraceElement> stack) {}

    /** mode=coalesce met a connection it cannot coalesce safely (a SocketChannel): it gets TCP_NODELAY. */
    default void coalesceFallback(Endpoint endpoint) {}

    /** A tracked connection closed: anything held back for it (aggregated report lines) can be written. */
    default void closed(Endpoint endpoint) {}
}
