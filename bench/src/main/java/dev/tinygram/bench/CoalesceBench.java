package dev.tinygram.bench;

import dev.tinygram.bootstrap.TinygramBridge;
import java.io.IOException;
import dev.tinygram.fix.CoalesceStats;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;

/**
 * mode=coalesce, through {@link TinygramBridge} as the woven socket calls reach it: {@code writing} (what
 * {@code NioSocketImpl.write} starts with) and {@code readStarting} (what every socket read starts with), into
 * a {@code Tracker} with coalescing (maxDelay=1ms, buffer bound one MSS of the loopback interface,
 * TCP_NODELAY set on the socket as the agent does), on a real loopback connection whose server side a thread
 * drains.
 *
 * <p>{@code writer}: {@code jdk} sends the buffer with the agent's {@code JdkWriter} ({@code NioSocketImpl.write},
 * a real send() on loopback: the real cost of a flush); {@code noop} drops it, leaving the agent's own work.
 *
 * <ul>
 *   <li>{@code streamWriteRead}: writing 100 B (buffered), readStarting (which sends it), readEnded: 3 bridge
 *       calls, one send per invocation.</li>
 *   <li>{@code writeWriteRead}: writing 100 B twice (both buffered), readStarting (one send of 200 B),
 *       readEnded(100 B): the 4 bridge calls a write-write-read makes on a socket in mode=coalesce. The model still
 *       sees the application's own Nagle, so each cycle records an (avoided) write-write-read finding, reusing
 *       the connection's first stack.</li>
 * </ul>
 *
 * <p>JMH configuration: as {@link ObserveBench} (1 fork with the two --add-opens, 3 x 1 s warmup, 5 x 1 s
 * measurement, AverageTime, ns per bridge call, one thread); the drainer is a second thread. Trial teardown fails
 * the run if the tracker stood down or nothing was buffered and flushed.
 */
public class CoalesceBench extends JmhDefaults {
    private static final int BYTES = 100;

    @Param({"jdk", "noop"})
    public String writer;

    private final byte[] data = new byte[BYTES];
    private Rig rig;
    private Object conn;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        rig = new Rig().open(true).coalesce(writer.equals("jdk") ? Rig.jdkWriter() : Rig.noopWriter());
        conn = rig.impl;
    }

    @TearDown(Level.Trial)
    public void tearDown(BenchmarkParams params) throws Exception {
        try {
            rig.check(params.getBenchmark());
            CoalesceStats s = rig.stats;
            System.out.println("[tinygram] " + s.describe() + "; findings " + rig.tracker.findings());
            if (s.writesBuffered() == 0 || s.flushes(CoalesceStats.Cause.READ) == 0) {
                throw new IllegalStateException("nothing was coalesced: " + s.describe());
            }
        } finally {
            rig.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(3)
    public boolean streamWriteRead() throws IOException {
        boolean buffered = TinygramBridge.writing(conn, data, 0, BYTES);
        TinygramBridge.readStarting(conn);
        TinygramBridge.readEnded(conn, BYTES);
        return buffered;
    }

    @Benchmark
    @OperationsPerInvocation(4)
    public void writeWriteRead() throws IOException {
        TinygramBridge.writing(conn, data, 0, BYTES);
        TinygramBridge.writing(conn, data, 0, BYTES);
        TinygramBridge.readStarting(conn);
        TinygramBridge.readEnded(conn, BYTES);
    }
}
