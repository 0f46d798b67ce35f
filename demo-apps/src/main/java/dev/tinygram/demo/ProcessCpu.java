package dev.tinygram.demo;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;

/** The CPU time this process has used, all threads, for the cost of a timed phase; -1 where the JVM cannot say. */
final class ProcessCpu {
    private ProcessCpu() {
    }

    /**
     * Takes one reading and drops it: call before a warm-up. The first reading loads the management classes, and
     * a class loaded at the start of a timed phase sends the JIT back to recompiling code that assumed it absent,
     * inside the timed phase (more so the more code runs: with an agent attached, the comparison was skewed).
     */
    static void loadBeforeTiming() {
        nanos();
        threadNanos();
    }

    static long nanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    /** The CPU time of the calling thread, user and system, or -1 where the JVM cannot say: a writer's own cost. */
    static long threadNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : -1;
    }

    /** Milliseconds of CPU between two readings, with two decimals, or -1 if either is unknown. */
    static double millisBetween(long before, long after) {
        return before < 0 || after < 0 ? -1 : Math.round((after - before) / 1e4) / 100.0;
    }
}
