package dev.tinygram.demo.bench;

import java.util.Arrays;
import java.util.List;

/**
 * The RESULT line of one {@link MemoryBench} child, in bytes of heap in use after full GCs. Churn seconds and the
 * agent's count of sockets still open are kept as printed, since the report quotes them as they are.
 */
record MemoryResult(double heapBase, double heapOpen, double heapClosed, double trackedSockets, String churnSeconds,
                    String agentOpenAfter, List<Checkpoint> checkpoints) {

    /** The heap after {@code connections} connections were opened and closed. */
    record Checkpoint(long connections, long heapBytes) {
    }

    static MemoryResult of(Children.Run run) {
        return new MemoryResult(run.num("heap_base"), run.num("heap_open"), run.num("heap_closed"),
                run.num("tracked_sockets"), run.result().get("churn_s"), run.result().get("agent_open_after"),
                checkpoints(run.result().get("checkpoints")));
    }

    /** Heap per open connection: what the connections held open added, divided by how many there were. */
    double perConnection(int open) {
        return (heapOpen - heapBase) / open;
    }

    /** NaN when the child did not say. */
    double churnSecondsValue() {
        return churnSeconds == null ? Double.NaN : Double.parseDouble(churnSeconds);
    }

    /** {@code N:HEAP,N:HEAP,...}, or none when there was no churn. */
    private static List<Checkpoint> checkpoints(String s) {
        if (s == null || s.equals("none")) return List.of();
        return Arrays.stream(s.split(",")).map(p -> p.split(":"))
                .map(p -> new Checkpoint(Long.parseLong(p[0]), Long.parseLong(p[1]))).toList();
    }
}
