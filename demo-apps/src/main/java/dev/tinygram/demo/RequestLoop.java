package dev.tinygram.demo;

import java.io.IOException;

/** Runs warm-up requests, then timed requests, measuring each round trip with nanoTime. */
final class RequestLoop {

    /** One request/response exchange with sequence number {@code seq}. */
    interface Exchange {
        void run(int seq) throws IOException;
    }

    /**
     * Latencies of the timed requests plus the start and end of the timed phase, and the process's CPU time over
     * it in nanoseconds (-1 where unknown).
     */
    record Timing(long[] latencies, long startNanos, long endNanos, long cpuNanos) {
        Timing(long[] latencies, long startNanos, long endNanos) {
            this(latencies, startNanos, endNanos, -1);
        }

        Stats.Summary summary() {
            return Stats.summarize(latencies, endNanos - startNanos);
        }
    }

    private RequestLoop() {
    }

    /** Writes each timed latency, in nanoseconds, one per line (for plotting). */
    static void writeLatencies(Timing timing, java.nio.file.Path file) throws IOException {
        StringBuilder sb = new StringBuilder(timing.latencies().length * 8);
        for (long l : timing.latencies()) sb.append(l).append('\n');
        java.nio.file.Files.writeString(file, sb);
    }

    static Timing run(int warmup, int requests, Exchange exchange) throws IOException {
        return run(warmup, requests, exchange, () -> { });
    }

    /**
     * Runs for {@code seconds} instead of a number of requests, printing each second's p50 as a line
     * {@code SECOND n p50_ms=X requests=N} to {@code perSecond} (for watching a live fix take effect).
     */
    static Timing runFor(int seconds, Exchange exchange, java.io.PrintStream perSecond) throws IOException {
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long[] all = new long[1024];
        int n = 0;
        int seq = 0;
        int second = 1;
        int secondFrom = 0;
        long secondEnds = start + 1_000_000_000L;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            exchange.run(seq++);
            long t1 = System.nanoTime();
            if (n == all.length) all = java.util.Arrays.copyOf(all, n * 2);
            all[n++] = t1 - t0;
            if (t1 >= secondEnds) {
                Stats.Summary s = Stats.summarize(java.util.Arrays.copyOfRange(all, secondFrom, n), 1_000_000_000L);
                perSecond.println("SECOND " + second + " p50_ms=" + Stats.ms(s.p50()) + " requests=" + (n - secondFrom));
                perSecond.flush();
                second++;
                secondFrom = n;
                secondEnds += 1_000_000_000L;
            }
        }
        return new Timing(java.util.Arrays.copyOf(all, n), start, System.nanoTime());
    }

    /** As {@link #run(int, int, Exchange)}, calling {@code atTimedStart} after the warm-up. */
    static Timing run(int warmup, int requests, Exchange exchange, Runnable atTimedStart) throws IOException {
        int seq = 0;
        ProcessCpu.loadBeforeTiming();
        for (int i = 0; i < warmup; i++) {
            exchange.run(seq++);
        }
        atTimedStart.run();
        long[] latencies = new long[requests];
        long cpuBefore = ProcessCpu.nanos();
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            long t0 = System.nanoTime();
            exchange.run(seq++);
            latencies[i] = System.nanoTime() - t0;
        }
        long end = System.nanoTime();
        long cpuAfter = ProcessCpu.nanos();
        return new Timing(latencies, start, end, cpuBefore < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpuBefore);
    }
}
