package dev.tinygram.it.integrity;

import dev.tinygram.it.integrity.Harness.Ctx;

/**
 * What the stall scenarios share: the peer stops reading on purpose, so the connection may stand still until its
 * (longer) deadline, and each starts with a writer blocked on that peer ({@link StallWriter}) before it does its
 * own part.
 */
abstract sealed class StallScenario implements Scenario
        permits StallCloseScenario, StallTimeoutScenario, StallNeighbourScenario {

    @Override
    public final long deadlineMs(Harness h) {
        return Harness.STALL_DEADLINE_MS;
    }

    @Override
    public final boolean mayStandStill() {
        return true;
    }

    @Override
    public final String run(Harness h, Ctx x) throws Exception {
        x.detail = detail();
        Net.Conn c = h.open(x, Wire.STALL, 0);
        StallWriter w = new StallWriter(x, c);
        String notBlocked = w.awaitBlocked(h, x);
        if (notBlocked != null) return notBlocked;
        return whileBlocked(h, x, c, w);
    }

    /** What the connection does, for failure lines. */
    abstract String detail();

    /** This scenario's part, once the writer on {@code c} is blocked; returns null if it passed. */
    abstract String whileBlocked(Harness h, Ctx x, Net.Conn c, StallWriter w) throws Exception;
}
