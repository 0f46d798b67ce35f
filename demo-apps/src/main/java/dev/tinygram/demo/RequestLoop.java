package dev.tinygram.demo;

import java.io.IOException;

/** Runs warm-up requests, then timed requests, measuring each round trip with nanoTime. */
final class RequestLoop {

    /** One request/response exchange with sequence number {@code seq}. */
    interface Exchange {
        void run(int seq) throws IOException;
    }

    /** Latencies of the timed requests plus the start and end of the timed phase. */
    record Timing(long[] latencies, long startNanos, long endNanos) {
        Stats.Summary summary() {
            return Stats.summarize(latencies, endNanos - startNanos);
        }
    }

    private RequestLoop() {
    }

    static Timing run(int warmup, int requests, Exchange exchange) throws IOException {
        return run(warmup, requests, exchange, () -> { });
    }

    /** As {@link #run(int, int, Exchange)}, calling {@code atTimedStart} after the warm-up. */
    static Timing run(int warmup, int requests, Exchange exchange, Runnable atTimedStart) throws IOException {
        int seq = 0;
        for (int i = 0; i < warmup; i++) {
            exchange.run(seq++);
        }
        atTimedStart.run();
        long[] latencies = new long[requests];
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            long t0 = System.nanoTime();
            exchange.run(seq++);
            latencies[i] = System.nanoTime() - t0;
        }
        return new Timing(latencies, start, System.nanoTime());
    }
}
