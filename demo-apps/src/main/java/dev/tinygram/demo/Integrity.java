package dev.tinygram.demo;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts integrity failures (a message that did not verify) and errors (unexpected exceptions),
 * from client and server threads alike. Either makes the demo exit with status 1.
 */
final class Integrity {
    private static final int MAX_PRINTED = 5;

    private final String demo;
    private final PrintStream err;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    Integrity(String demo, PrintStream err) {
        this.demo = demo;
        this.err = err;
    }

    /** Counts a failed message check; never prints payload bytes, only the description. */
    void failure(String side, String problem) {
        if (failures.incrementAndGet() <= MAX_PRINTED) {
            err.println(demo + ": integrity failure (" + side + "): " + problem);
        }
    }

    /** Records the result of {@link Codec#check}; returns true when the message was ok. */
    boolean verify(String side, Codec.Message m) {
        if (m.ok()) {
            return true;
        }
        failure(side, m.problem());
        return false;
    }

    void error(String side, Throwable t) {
        if (errors.incrementAndGet() <= MAX_PRINTED) {
            err.println(demo + ": error (" + side + "): " + t);
        }
    }

    long failures() {
        return failures.get();
    }

    long errors() {
        return errors.get();
    }

    boolean ok() {
        return failures.get() == 0 && errors.get() == 0;
    }

    int exitStatus() {
        return ok() ? 0 : 1;
    }

    /** Appends integrity keys to a RESULT line. */
    void appendTo(Result r) {
        r.put("integrity", failures.get() == 0 ? "ok" : "failed");
        if (failures.get() > 0) {
            r.put("integrity_failures", failures.get());
        }
        if (errors.get() > 0) {
            r.put("errors", errors.get());
        }
    }
}
