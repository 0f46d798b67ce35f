package dev.tinygram.bench;

import dev.tinygram.core.ConnectionModel;
import dev.tinygram.core.Profile;
import dev.tinygram.core.StallPrediction;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The decision core alone: {@link ConnectionModel#onWrite}, {@link ConnectionModel#onReadStart} and
 * {@link ConnectionModel#onReadEnd}, no tracker, no lock, no clock read. Linux profile, MSS 1448, initial RTT
 * 50 us (the tracker's loopback guess), Nagle on, a connection past its quick-ack start (the state a tracked
 * connection is in from its first answer on). Time is synthetic: each event is 10 us after the previous one, so the model does the same work in every
 * cycle. Every result is consumed by a Blackhole.
 *
 * <p>{@code writeWriteRead}: onWrite 100 B (sent), onWrite 100 B (held: Nagle behind the unacknowledged first),
 * onReadStart (a stall predicted), onReadEnd(100 B, the answer): 4 calls, each of the three inputs, in the
 * pattern the model exists for.
 *
 * <p>JMH configuration: as {@link ObserveBench} (1 fork, 3 x 1 s warmup, 5 x 1 s measurement, AverageTime,
 * ns per model call, one thread). Setup checks that the pattern predicts a stall, and a write-read none.
 */
public class ModelBench extends JmhDefaults {
    private static final long BYTES = 100;
    private static final long STEP_NANOS = TimeUnit.MICROSECONDS.toNanos(10);
    private static final ConnectionModel.Config CONFIG =
            new ConnectionModel.Config(Profile.LINUX, 1448, TimeUnit.MICROSECONDS.toNanos(50), false, false);

    private ConnectionModel model;
    private long now;

    @Setup(Level.Trial)
    public void setUp() {
        ConnectionModel probe = new ConnectionModel(CONFIG);
        long t = 0;
        for (int i = 0; i < 3; i++) {
            probe.onWrite(t += STEP_NANOS, BYTES);
            probe.onWrite(t += STEP_NANOS, BYTES);
            StallPrediction p = probe.onReadStart(t += STEP_NANOS);
            probe.onReadEnd(t += STEP_NANOS, BYTES);
            if (!p.stall()) throw new IllegalStateException("write-write-read predicted no stall: " + p);
            probe.onWrite(t += STEP_NANOS, BYTES);
            p = probe.onReadStart(t += STEP_NANOS);
            probe.onReadEnd(t += STEP_NANOS, BYTES);
            if (p.stall()) throw new IllegalStateException("write-read predicted a stall: " + p);
        }
        model = new ConnectionModel(CONFIG);
        now = 0;
    }

    @Benchmark
    @OperationsPerInvocation(4)
    public void writeWriteRead(Blackhole bh) {
        bh.consume(model.onWrite(now += STEP_NANOS, BYTES));
        bh.consume(model.onWrite(now += STEP_NANOS, BYTES));
        bh.consume(model.onReadStart(now += STEP_NANOS));
        bh.consume(model.onReadEnd(now += STEP_NANOS, BYTES));
    }
}
