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
        userNanos();
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

    /**
     * The user-mode CPU time this process has used, all threads, from {@code /proc/self/stat} in 10 ms ticks, or -1
     * where there is no such file. On loopback most of a request's CPU is the kernel's TCP path, and its share
     * moves with how the two threads are scheduled; the user-mode part is the application's and the agent's own.
     */
    static long userNanos() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            // after the command's closing parenthesis: field 3 (state) onwards; utime is field 14
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) * TICK_NANOS;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Linux's USER_HZ, which /proc reports in: 100 on every architecture the JDK ships for. */
    private static final long TICK_NANOS = 10_000_000L;

    /** Milliseconds of CPU between two readings, with two decimals, or -1 if either is unknown. */
    static double millisBetween(long before, long after) {
        return before < 0 || after < 0 ? -1 : Math.round((after - before) / 1e4) / 100.0;
    }
}
