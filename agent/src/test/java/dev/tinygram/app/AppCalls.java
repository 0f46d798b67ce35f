package dev.tinygram.app;

import dev.tinygram.conn.FixAction;
import dev.tinygram.observe.Connection;
import dev.tinygram.observe.Finding;

/**
 * Stands in for application code in tests: frames of the agent's own packages are left out of a stack, so a test
 * that checks which call a finding names makes its writes and reads from here.
 */
public final class AppCalls {
    private AppCalls() {}

    public static void write(Connection c, long at, long bytes) {
        c.write(at, bytes, FixAction.NONE);
    }

    public static Finding read(Connection c, long at, long bytes) {
        return c.readEnd(at, bytes, FixAction.NONE);
    }
}
