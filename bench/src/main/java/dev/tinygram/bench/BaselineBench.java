package dev.tinygram.bench;

import dev.tinygram.bootstrap.TinygramBridge;
import java.io.IOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Reference costs. {@code hooksOff}: the same four {@link TinygramBridge} calls as
 * {@code ObserveBench.writeWriteRead} with no handler installed (every hook null), as after detach or a stand-down
 * with the woven hooks still in place: the fixed cost of the hooks themselves (a volatile read and a null check per
 * call). {@code nanoTime}: one {@code System.nanoTime()}, the clock the tracker reads once per event.
 *
 * <p>JMH configuration: as {@link ObserveBench} (1 fork, 3 x 1 s warmup, 5 x 1 s measurement, AverageTime, ns,
 * one thread); {@code hooksOff} is ns per bridge call.
 */
public class BaselineBench extends JmhDefaults {
    private static final byte[] DATA = new byte[100];

    private Rig rig;
    private Object conn;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        rig = new Rig().open(false);
        conn = rig.impl;
        TinygramBridge.clear();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            if (TinygramBridge.installed() != null) throw new IllegalStateException("a hook was installed");
        } finally {
            rig.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(4)
    public void hooksOff() throws IOException {
        TinygramBridge.writing(conn, DATA, 0, DATA.length);
        TinygramBridge.writing(conn, DATA, 0, DATA.length);
        TinygramBridge.readStarting(conn);
        TinygramBridge.readEnded(conn, DATA.length);
    }

    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }
}
