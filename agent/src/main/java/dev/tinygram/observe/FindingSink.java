package dev.tinygram.observe;

import dev.tinygram.conn.Endpoint;

/** Where what observe sees goes: the log, the report file, the counters. */
public interface FindingSink {
    void record(Finding finding);

    /**
     * The least a hold must cost to be reported (the {@code minStall} option): what observe and the fixes call a
     * stall worth acting on.
     */
    long minStallNanos();

    /** A tracked connection closed: anything held back for it (aggregated report lines) can be written. */
    void closed(Endpoint endpoint);
}
