package dev.tinygram.demo.bench;

import java.util.List;

/** The sizes of a bench run, one part per section of the report. */
record BenchPlan(String name, LatencyPlan latency, OverheadPlan overhead, JmhPlan jmh, StartupPlan startup,
                 MemoryPlan memory) {

    /**
     * Section 1, latency per demo and mode. A client that stalls (~44 ms a request) gets {@code stallingRequests}
     * instead of {@code requests}, so that a cell takes seconds rather than minutes. {@code demos} empty means all.
     */
    record LatencyPlan(List<String> demos, int requests, int warmup, int stallingRequests, int rounds,
                       int bulkMessages) {
        /** How the cells are repeated, as the report says it. */
        String roundsDescription() {
            return rounds == 1 ? "one run per cell" : rounds + " interleaved rounds, median per cell";
        }
    }

    /** Section 2, observe-mode overhead: interleaved pairs without and with the agent. */
    record OverheadPlan(int pairs, int pingPongs, int pingWarmup, int bulkMessages, int bulkWarmup) {
    }

    /** Section 3: arguments for the JMH jar (none: the configuration in its annotations), and how long it may take. */
    record JmhPlan(List<String> args, int timeoutSeconds) {
    }

    /** Section 4, start-up: interleaved pairs of whole processes, and attach/detach cycles on a running demo. */
    record StartupPlan(int pairs, int attaches) {
    }

    /** Section 5, memory: connections held open at once, then opened and closed in batches. */
    record MemoryPlan(int openConnections, int churnConnections) {
    }

    static final BenchPlan FULL = new BenchPlan("full",
            new LatencyPlan(List.of(), 5_000, 500, 30, 1, 100_000),
            // Warm-ups long enough for the agent's own code to be compiled before the timed part: after 5,000
            // round trips and 1,000,000 writes, C2 was still compiling the model inside it (-XX:+PrintCompilation),
            // and the ping-pong's CPU was then 1.3 to 1.5x, mostly the compiler threads.
            new OverheadPlan(5, 60_000, 60_000, 2_000_000, 3_000_000),
            new JmhPlan(List.of(), 480),
            new StartupPlan(7, 3),
            new MemoryPlan(5_000, 100_000));

    /** Every section with sizes cut to seconds: shows that the tables work, not what the agent costs. */
    static final BenchPlan SMOKE = new BenchPlan("smoke",
            new LatencyPlan(List.of("wwr-client", "interactive"), 200, 20, 4, 1, 5_000),
            new OverheadPlan(1, 1_000, 100, 5_000, 1_000),
            new JmhPlan(List.of("-f", "1", "-wi", "1", "-i", "1", "-w", "200ms", "-r", "200ms"), 300),
            new StartupPlan(1, 1),
            new MemoryPlan(200, 2_000));

    boolean isSmoke() {
        return equals(SMOKE);
    }
}
