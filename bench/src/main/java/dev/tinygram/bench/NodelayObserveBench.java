package dev.tinygram.bench;

import dev.tinygram.bootstrap.TinygramBridge;
import java.io.IOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * mode=observe on a connection whose application set TCP_NODELAY, as the bench's ping-pong client does: a request
 * written as a header and a body, then its answer read. The same rig and bridge calls as {@link ObserveBench}; the
 * application's {@code setTcpNoDelay(true)} reaches the tracker as the woven {@code setOption} reports it.
 *
 * <ul>
 *   <li>{@code writeWriteRead}: write 16 B, write 100 B, readStart, readEnd(100 B): 4 bridge calls, nothing held
 *       (TCP_NODELAY), no finding. The header's write is given to the model with the clock; the body's is summed
 *       past the connection's lock; the read's start needs no clock, as nothing can be held.</li>
 * </ul>
 *
 * <p>JMH configuration: as {@link ObserveBench}; the score is ns per bridge call. Trial teardown fails the run if
 * the tracker stood down, tracked other than one connection, or made a finding.
 */
public class NodelayObserveBench extends JmhDefaults {
    private static final byte[] HEADER = new byte[16];
    private static final byte[] BODY = new byte[100];

    private Rig rig;
    private Object conn;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        rig = new Rig().open(false).observe(System::nanoTime);
        conn = rig.impl;
        TinygramBridge.nodelaySet(conn, true);
    }

    @TearDown(Level.Trial)
    public void tearDown(BenchmarkParams params) throws Exception {
        try {
            rig.check(params.getBenchmark());
            if (rig.tracker.findings() != 0) {
                throw new IllegalStateException("findings with TCP_NODELAY on: " + rig.tracker.findings());
            }
        } finally {
            rig.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(4)
    public void writeWriteRead() throws IOException {
        TinygramBridge.writing(conn, HEADER, 0, HEADER.length);
        TinygramBridge.writing(conn, BODY, 0, BODY.length);
        TinygramBridge.readStarting(conn);
        TinygramBridge.readEnded(conn, BODY.length);
    }
}
