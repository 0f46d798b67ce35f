package dev.tinygram.observe;

/** Where findings go: the log, the report file, the counters. */
public interface FindingSink {
    void record(Finding finding);

    /** A tracked connection closed: anything held back for it (aggregated report lines) can be written. */
    default void closed(Endpoint endpoint) {}
}
