package dev.tinygram.bench;

import dev.tinygram.bootstrap.TinygramBridge;
import dev.tinygram.observe.CallSites;
import java.io.IOException;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * mode=observe: the cost of one intercepted call, through the same static {@link TinygramBridge} methods the
 * code woven into {@code sun.nio.ch.NioSocketImpl} calls, into a {@code Tracker} built as
 * {@code AgentRuntime} builds it (profile=auto, mss from the interface, stackDepth=32, no fix), with a real
 * {@code Findings} sink (no-op logger, no report file). The connection is a real, connected loopback
 * NioSocketImpl, reported to the tracker by {@code TinygramBridge.opened} as the woven connect does; nothing is
 * sent on it (observe only counts), so no syscall is measured.
 *
 * <ul>
 *   <li>{@code writeWriteRead}: write 100 B, write 100 B, readStart, readEnd(100 B): 4 bridge calls. The second
 *       write is held by the model (Nagle behind an unacknowledged small segment), so every cycle is a
 *       write-write-read finding: a held-write stack walk, a {@code Finding}, and {@code Findings.record}. The
 *       agent's worst case: an application that hits the stall on every request.</li>
 *   <li>{@code writeRead}: write 100 B, readStart, readEnd(100 B): 3 bridge calls, nothing held, no finding.
 *       The well-behaved request/response case.</li>
 *   <li>{@code streamingWrite}: one 80 B write of a stream that never reads, as bulk-stream writes: after the
 *       burst's first 64 writes, most are summed past the connection's lock, and one in 65 is given to the model
 *       with the clock. 1 bridge call.</li>
 *   <li>{@code heldWriteStack}: that stack walk alone ({@code CallSites.capture}, 32 frames at most).</li>
 *   <li>{@code streamFlushObserving}: {@code TinygramBridge.streamFlushed}, which the woven
 *       {@code OutputStream.flush} calls for every stream of the JVM; outside mode=coalesce it returns before the
 *       guard: 1 bridge call.</li>
 * </ul>
 *
 * <p>{@code clock}: the agent reads {@code System.nanoTime()} once per event; {@code -p clock=system,synthetic}
 * adds a run with a clock that costs a field increment, which separates the platform's clock from the agent's
 * own work. The default run measures {@code system} only.
 *
 * <p>JMH configuration (defaults in the annotations, overridable on the command line): 1 fork with
 * {@code --add-opens java.base/java.net=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED}, 3 warmup
 * iterations of 1 s (5 for {@code writeWriteRead} and {@code heldWriteStack}: the JDK's stack-walking code takes
 * longer to compile), 5 measurement iterations of 1 s, one thread, {@link Mode#AverageTime} in ns.
 * {@link OperationsPerInvocation} makes the score ns per bridge call. Trial teardown fails the run if the
 * tracker stood down, if it did not track exactly one connection, or if the findings are not what the pattern
 * must produce.
 */
public class ObserveBench extends JmhDefaults {
    private static final byte[] DATA = new byte[100];
    /** bulk-stream's message: 16 B of header and 64 B of payload. */
    private static final byte[] MESSAGE = new byte[80];
    private static final java.nio.ByteBuffer BUFFER = java.nio.ByteBuffer.wrap(DATA);
    /** Any stream but a socket's: what most of the JVM's flush() calls are. */
    private final java.io.OutputStream stream = new java.io.ByteArrayOutputStream();

    /** The tracker's clock: {@code system} (the agent's); {@code -p clock=system,synthetic} adds a run without it. */
    @Param({"system"})
    public String clock;

    private final CallSites callSites = new CallSites(Rig.STACK_DEPTH);
    private Rig rig;
    private Object conn;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        rig = new Rig().open(false).observe(Rig.clock(clock));
        conn = rig.impl;
    }

    @TearDown(Level.Trial)
    public void tearDown(BenchmarkParams params) throws Exception {
        try {
            rig.check(params.getBenchmark());
            long findings = rig.tracker.findings();
            long predicted = rig.findings.stallsPredicted();
            System.out.println("[tinygram] findings " + findings + ", stalls predicted " + predicted);
            boolean wwr = params.getBenchmark().endsWith(".writeWriteRead");
            if (wwr && (findings == 0 || predicted == 0)) {
                throw new IllegalStateException("write-write-read produced no finding: the model path was not run");
            }
            if (!wwr && findings != 0) {
                throw new IllegalStateException("unexpected findings: " + findings);
            }
        } finally {
            rig.close();
        }
    }

    @Benchmark
    @Warmup(iterations = 5, time = 1)
    @OperationsPerInvocation(4)
    public void writeWriteRead() throws IOException {
        TinygramBridge.writing(conn, DATA, 0, DATA.length);
        TinygramBridge.writing(conn, DATA, 0, DATA.length);
        TinygramBridge.readStarting(conn);
        TinygramBridge.readEnded(conn, DATA.length);
    }

    /** One write of a stream with no read (see the class comment): what bulk-stream pays per write, less the send. */
    @Benchmark
    public boolean streamingWrite() throws IOException {
        return TinygramBridge.writing(conn, MESSAGE, 0, MESSAGE.length);
    }

    @Benchmark
    @OperationsPerInvocation(3)
    public void writeRead() throws IOException {
        TinygramBridge.writing(conn, DATA, 0, DATA.length);
        TinygramBridge.readStarting(conn);
        TinygramBridge.readEnded(conn, DATA.length);
    }

    /**
     * The stack walk alone that {@code Connection.write} makes for the first held write of every burst in
     * mode=observe ({@code CallSites.capture}, stackDepth=32), from the same JMH frames as the calls above.
     */
    @Benchmark
    @Warmup(iterations = 5, time = 1)
    public List<StackTraceElement> heldWriteStack() {
        return callSites.capture();
    }

    /**
     * What the woven call at the start of every {@code SocketChannel.write(ByteBuffer)} calls (for mode=coalesce's
     * cork, JDK 22+): in mode=observe it must cost next to nothing.
     */
    @Benchmark
    public void channelWritingObserving() {
        TinygramBridge.channelWriting(conn, BUFFER);
    }

    /** {@code OutputStream.flush()} of any stream in the JVM, which is hooked: in mode=observe it must cost nothing. */
    @Benchmark
    public void streamFlushObserving() throws IOException {
        TinygramBridge.streamFlushed(stream);
    }
}
