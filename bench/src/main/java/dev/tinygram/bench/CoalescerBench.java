package dev.tinygram.bench;

import dev.tinygram.core.Burst;
import dev.tinygram.fix.CoalesceStats;
import dev.tinygram.fix.Coalescer;
import dev.tinygram.fix.SendThreads;
import java.io.IOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The buffering call alone: {@link Coalescer#write} of a 100-byte array, as the bridge hands it over, with no tracker and no bridge in front. The coalescer's bound is 1448 B (an Ethernet MSS), so every
 * fifteenth write first sends the 1400 B buffered (cause FULL) through a no-op SocketWriter, and the next write
 * into the empty buffer registers it with the agent's FlushTimer (maxDelay=1ms, its thread running): the score
 * is the amortised cost of buffering, copy, counters and timer included, without any socket I/O.
 *
 * <p>JMH configuration: as {@link ObserveBench} (1 fork, 3 x 1 s warmup, 5 x 1 s measurement, AverageTime,
 * ns per write, one thread).
 */
public class CoalescerBench extends JmhDefaults {
    private static final int BOUND = 1448;

    /** A later write of a burst, nobody reading: buffered on the bytes alone. */
    private static final Burst MID_BURST = new Burst(false, 2, 0);

    private final byte[] data = new byte[100];
    /** The no-op writer never touches it; the timer only keys on it. */
    private final Object socket = new Object();
    private CoalesceStats stats;
    private Coalescer coalescer;

    @Setup(Level.Trial)
    public void setUp() {
        stats = new CoalesceStats();
        coalescer = new Coalescer(BOUND, Rig.MAX_DELAY_NANOS, Rig.noopWriter(), Rig.timer(),
                new SendThreads(), stats, System::nanoTime);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println("[tinygram] " + stats.describe());
        if (stats.writesBuffered() == 0) throw new IllegalStateException("nothing was buffered");
    }

    @Benchmark
    public Object bufferedWrite() throws IOException {
        return coalescer.write(socket, data, 0, data.length, MID_BURST);
    }
}
