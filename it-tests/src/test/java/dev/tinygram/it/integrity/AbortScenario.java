package dev.tinygram.it.integrity;

import static dev.tinygram.it.integrity.Harness.at;
import static dev.tinygram.it.integrity.Harness.maybePause;
import static dev.tinygram.it.integrity.Harness.pickReadSize;
import static dev.tinygram.it.integrity.Harness.writeRecord;

import dev.tinygram.it.integrity.Harness.Ctx;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code abort}: like {@link EchoScenario}, but the server resets mid-stream after a random amount: every writer
 * must get an IOException (within 10 s of the reset), the reader an IOException or EOF, and
 * what was echoed before must be an intact prefix.
 */
final class AbortScenario implements Scenario {
    @Override
    public String label() {
        return "abort";
    }

    @Override
    public Runs runs() {
        return Runs.BASE;
    }

    @Override
    public boolean serverResets() {
        return true;
    }

    @Override
    public String run(Harness h, Ctx x) throws Exception {
        int threads = 1 + x.r.nextInt(3);
        int after = x.r.nextInt(8) == 0 ? x.r.nextInt(64) : x.r.nextInt(h.api == Net.Api.SSL ? 1 << 18 : 1 << 20);
        x.detail = threads + " writers, server resets after echoing " + after + " B";
        Net.Conn c = h.open(x, Wire.ECHO_THEN_RESET, after);
        Records.Verifier v = new Records.Verifier(x.connSeed, threads, h.maxWrite, false);
        AtomicReference<String> readerEnd = new AtomicReference<>();
        AtomicInteger ioes = new AtomicInteger();
        AtomicLong lastIoe = new AtomicLong();
        long readerSeed = x.r.nextLong();
        Thread reader = x.start("reader", () -> {
            byte[] buf = new byte[300_000];
            Random rr = new Random(readerSeed);
            try {
                while (true) {
                    int n = c.read(buf, 0, pickReadSize(rr));
                    if (n < 0) break;   // EOF: a writer may have taken the reset already
                    v.feed(buf, 0, n);
                }
            } catch (IOException e) {
                h.sawException(this, e);
                ioes.incrementAndGet();
                lastIoe.accumulateAndGet(System.nanoTime(), Math::max);
            } catch (Throwable e) {
                readerEnd.set("reader: unexpected " + LocalServer.describe(e) + at(e));
            }
        });
        Object writeLock = new Object();
        List<String> writerFailures = new CopyOnWriteArrayList<>();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int tid = t;
            Random wr = new Random(x.r.nextLong());
            writers.add(x.start("writer" + t, () -> {
                long seq = 0;
                try {
                    for (; !x.expired; seq++) {
                        byte[] rec = Records.build(x.connSeed, tid, seq,
                                Records.payloadSize(x.connSeed, tid, seq, h.maxWrite, false));
                        synchronized (writeLock) {
                            writeRecord(c, rec, wr);
                        }
                        maybePause(wr);
                    }
                    writerFailures.add("writer " + tid + " wrote " + seq + " records and never got an IOException");
                } catch (IOException e) {
                    h.sawException(this, e);
                    ioes.incrementAndGet();
                    lastIoe.accumulateAndGet(System.nanoTime(), Math::max);
                } catch (Throwable e) {
                    writerFailures.add("writer " + tid + ": unexpected " + LocalServer.describe(e) + at(e));
                }
            }));
        }
        for (Thread w : writers) w.join();
        reader.join();
        h.verified(v.records(), v.bytes());
        if (x.expired) return writerFailures.isEmpty() ? null : writerFailures.toString();
        if (v.failure() != null) return "the echo before the reset is not an intact prefix: " + v.failure();
        if (v.bytes() > after) return "got " + v.bytes() + " B back, the server echoed only " + after;
        if (!writerFailures.isEmpty()) return writerFailures.toString();
        if (readerEnd.get() != null) return readerEnd.get();
        if (ioes.get() == 0) return "no IOException reached the application";
        LocalServer.Outcome o = h.server.outcome(x.id).get(10, TimeUnit.SECONDS);
        long late = TimeUnit.NANOSECONDS.toMillis(lastIoe.get() - o.atNanos());
        if (o.error() == null && late > h.resetDeadlineMs) {
            return "the last application thread got its IOException " + late + " ms after the server's reset";
        }
        return null;
    }
}
