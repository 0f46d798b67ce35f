package dev.tinygram.it.integrity;

import static dev.tinygram.it.integrity.Harness.at;
import static dev.tinygram.it.integrity.Harness.firstReadFailure;
import static dev.tinygram.it.integrity.Harness.maybePause;
import static dev.tinygram.it.integrity.Harness.pickReadSize;
import static dev.tinygram.it.integrity.Harness.writeRecord;

import dev.tinygram.it.integrity.Harness.Ctx;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code echo}: 1..4 writer threads send records (whole, as header/body/crc, in random pieces, or gathered; from
 * buffers the app overwrites as soon as write returns; now and then through a BufferedOutputStream and explicit
 * flushes) while a reader thread verifies the echo; then shutdownOutput and read to EOF: every record of every
 * thread back exactly once, in order, byte for byte. {@link SlowReaderScenario} runs the same with a slow reader.
 */
final class EchoScenario implements Scenario {
    @Override
    public String label() {
        return "echo";
    }

    @Override
    public Runs runs() {
        return Runs.BASE;
    }

    @Override
    public String run(Harness h, Ctx x) throws Exception {
        return echo(h, x, false);
    }

    /** The echo, or with {@code slow} that of {@link SlowReaderScenario}. */
    static String echo(Harness h, Ctx x, boolean slow) throws Exception {
        int threads = slow ? 1 + x.r.nextInt(2) : 1 + x.r.nextInt(4);
        int max = slow ? Math.min(h.maxWrite, 4000) : h.maxWrite;
        long[] count = new long[threads];
        for (int t = 0; t < threads; t++) {
            count[t] = slow ? 300 + x.r.nextInt(300) : 1 + x.r.nextInt(x.r.nextInt(4) == 0 ? 80 : 20);
        }
        x.detail = threads + " writers, " + Arrays.toString(count) + " records"
                + (slow ? " of up to " + max + " B, the reader pausing 20..100 ms every 64..256 KB and once 1 s" : "");
        // A small send buffer, 16 or 32 KB, as some apps set it; the receive buffer is the kernel's (Conn.sendBuffer
        // says why). The slow reader keeps the receive buffer small, so the pipe still fills both ways.
        int sendBuffer = slow && x.r.nextInt(4) != 0 ? 16384 << x.r.nextInt(2) : 0;
        if (sendBuffer > 0) x.detail += ", SO_SNDBUF = " + sendBuffer + " at both ends";
        Net.Conn c = h.open(x, Wire.ECHO, slow ? 1 | (sendBuffer >> 10) << 8 : 0, sendBuffer);
        Records.Verifier v = new Records.Verifier(x.connSeed, threads, max, false);
        AtomicReference<String> readerEnd = new AtomicReference<>();
        long readerSeed = x.r.nextLong();
        Thread reader = x.start("reader", () -> readerEnd.set(readToEof(h, c, v, new Random(readerSeed), x, slow)));
        List<Thread> writers = new ArrayList<>();
        List<String> writerErrors = new CopyOnWriteArrayList<>();
        Object writeLock = new Object();
        long[] sent = new long[threads];
        for (int t = 0; t < threads; t++) {
            int tid = t;
            Random wr = new Random(x.r.nextLong());
            writers.add(x.start("writer" + t, () -> {
                try {
                    for (long seq = 0; seq < count[tid]; seq++) {
                        byte[] rec = Records.build(x.connSeed, tid, seq,
                                Records.payloadSize(x.connSeed, tid, seq, max, false));
                        synchronized (writeLock) {
                            writeRecord(c, rec, wr);
                        }
                        sent[tid] = seq + 1;
                        if (!slow) maybePause(wr);
                    }
                } catch (Throwable e) {
                    h.sawException(x.scenario, e);
                    writerErrors.add("writer " + tid + " after " + sent[tid] + " of " + count[tid] + " records: "
                            + LocalServer.describe(e) + at(e));
                }
            }));
        }
        for (Thread w : writers) w.join();
        if (!writerErrors.isEmpty()) {
            c.abort();
            reader.join();
            return "unexpected exception writing: " + writerErrors + firstReadFailure(v);
        }
        try {
            c.shutdownOutput();
        } catch (IOException e) {
            h.sawException(x.scenario, e);
            c.abort();
            reader.join();
            return "shutdownOutput threw " + LocalServer.describe(e) + firstReadFailure(v);
        }
        reader.join();
        h.verified(v.records(), v.bytes());
        if (readerEnd.get() != null) return readerEnd.get();
        String incomplete = v.checkComplete(count);
        if (incomplete != null) return incomplete;
        try {
            c.close();
        } catch (IOException e) {
            h.sawException(x.scenario, e);
            return "close threw " + LocalServer.describe(e);
        }
        return h.serverError(x);
    }

    /**
     * Reads, in random sizes, until EOF. Returns null, or what went wrong. After a verification failure it keeps
     * draining (without checking) so the writers are not stuck.
     */
    private static String readToEof(Harness h, Net.Conn c, Records.Verifier v, Random r, Ctx x, boolean slow) {
        byte[] buf = new byte[300_000];
        long got = 0;
        long pauseAt = (64 << 10) + r.nextInt(192 << 10);
        long longPauseAt = slow ? r.nextInt(256 << 10) : Long.MAX_VALUE;
        try {
            while (true) {
                int n = c.read(buf, 0, pickReadSize(r));
                if (n < 0) return v.failure();
                if (n == 0) return "read returned 0 on a blocking connection";
                got += n;
                v.feed(buf, 0, n);
                if (got >= longPauseAt) {   // once: a reader busy for a while (a GC, a disk, a lock)
                    Thread.sleep(1000);
                    longPauseAt = Long.MAX_VALUE;
                } else if (slow && got >= pauseAt) {
                    Thread.sleep(20 + r.nextInt(80));
                    pauseAt = got + (64 << 10) + r.nextInt(192 << 10);
                } else if (r.nextInt(50) == 0) {
                    maybePause(r);
                }
            }
        } catch (Throwable e) {
            h.sawException(x.scenario, e);
            return "unexpected exception reading after " + v.bytes() + " B: " + LocalServer.describe(e) + at(e)
                    + firstReadFailure(v);
        }
    }
}
