package dev.tinygram.observe;

import dev.tinygram.conn.Endpoint;

/** Where what observe sees goes: the log, the report file, the counters. */
public interface FindingSink {
    void record(Finding finding);

    /** A tracked connection closed: anything held back for it (aggregated report lines) can be written. */
    void closed(Endpoint endpoint);
}
