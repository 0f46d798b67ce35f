package dev.tinygram.it.integrity;

import dev.tinygram.it.integrity.Harness.Ctx;
import java.util.List;

/**
 * What {@link IntegrityApp}'s mixed run does with one connection. Each scenario is a class named after its label,
 * the name used on the command line ({@code --scenarios echo,lockstep}), in the RESULT line's per-scenario counts,
 * and in failure lines.
 */
sealed interface Scenario permits EchoScenario, LockstepScenario, CloseScenario, ResetScenario, AbortScenario,
        StallScenario, WriteAfterShutdownScenario,
        WriteAfterCloseScenario, SlowReaderScenario {

    /** Where a scenario runs when no --scenarios list is given. */
    enum Runs {
        /** In every block of twelve connections, ten run the base scenarios in turn. */
        BASE,
        /** The other two of every block of twelve run the extra scenarios in turn. */
        EXTRA,
        /**
         * Not in the default cycle: an application's operation on a socket another thread (or it) has closed. The
         * agent is JVM-wide, so if such an operation made it stand down, every connection after it would run
         * without it; these run on their own (--scenarios stall-close,write-after-close).
         */
        ALONE
    }

    /**
     * Every scenario, in the order of the RESULT line's per-scenario counts; the base and extra cycles take theirs
     * in this order too, so reordering it changes which connection runs what for a given seed.
     */
    List<Scenario> ALL = List.of(new EchoScenario(), new LockstepScenario(), new CloseScenario(),
            new ResetScenario(), new AbortScenario(), new StallCloseScenario(), new StallTimeoutScenario(),
            new StallNeighbourScenario(), new WriteAfterShutdownScenario(), new WriteAfterCloseScenario(),
            new SlowReaderScenario());
    List<Scenario> BASE = ALL.stream().filter(s -> s.runs() == Runs.BASE).toList();
    List<Scenario> EXTRA = ALL.stream().filter(s -> s.runs() == Runs.EXTRA).toList();

    /** The name: on the command line, in the RESULT line, in failure and exception lines. */
    String label();

    Runs runs();

    /** Runs connection {@code x}; returns null if it passed, else what went wrong (sizes and offsets, no payload). */
    String run(Harness h, Ctx x) throws Exception;

    /** The longest a connection of this scenario may take, even while bytes still move. */
    default long deadlineMs(Harness h) {
        return Harness.HANG_DEADLINE_MS;
    }

    /**
     * Whether its bytes may stop moving on purpose (a peer that stops reading, a reset the client waits for): the
     * watchdog then holds it to its deadline only, not to the {@link Harness#NO_PROGRESS_MS} of a hang.
     */
    default boolean mayStandStill() {
        return false;
    }

    /** Why a connection of this scenario that ran past its deadline failed. */
    default String overDeadline(Harness h, Ctx x) {
        return "not done within " + Harness.ms(x.deadlineNanos - x.startedNanos) + " ms";
    }

    /** Whether an error on the server side is the scenario itself (the server resets), not a failure. */
    default boolean serverResets() {
        return false;
    }

    static Scenario parse(String label) {
        for (Scenario s : ALL) {
            if (s.label().equals(label)) return s;
        }
        throw new IllegalArgumentException("unknown scenario " + label);
    }

    /**
     * The scenario of connection {@code i}: the five base ones in turn, and after every ten, two of the extra ones
     * in turn. With a list, that list in turn.
     */
    static Scenario scenarioOf(int i, List<Scenario> only, Net.Api api) {
        if (only != null) return only.get(i % only.size());
        int block = i / 12;
        int pos = i % 12;
        if (pos < 10) return BASE.get(pos % BASE.size());
        return EXTRA.get((block * 2 + pos - 10) % EXTRA.size());
    }
}
