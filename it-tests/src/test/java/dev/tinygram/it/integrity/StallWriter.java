package dev.tinygram.it.integrity;

import static dev.tinygram.it.integrity.Harness.writeRecord;

import dev.tinygram.it.integrity.Harness.Ctx;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The stall scenarios' writer: small records on a connection whose peer has stopped reading ({@link Wire#STALL}),
 * until an IOException or {@link #stop}, so that it ends up blocked.
 */
final class StallWriter {
    final AtomicLong writes = new AtomicLong();
    final AtomicReference<Throwable> end = new AtomicReference<>();
    final CountDownLatch done = new CountDownLatch(1);
    volatile boolean stop;

    StallWriter(Ctx x, Net.Conn c) {
        Random wr = new Random(x.r.nextLong());
        x.start("writer", () -> {
            try {
                for (long seq = 0; !stop; seq++) {
                    byte[] rec = Records.build(x.connSeed, 0, seq,
                            Records.payloadSize(x.connSeed, 0, seq, 4096, false));   // all below one MSS
                    writeRecord(c, rec, wr);
                    writes.incrementAndGet();
                }
            } catch (Throwable e) {
                end.set(e);
            } finally {
                done.countDown();
            }
        });
    }

    /**
     * Waits until no write has returned for 150 ms; returns null, or why not (having then stopped the writer and
     * let {@code x}'s peer read again).
     */
    String awaitBlocked(Harness h, Ctx x) throws InterruptedException {
        String notBlocked = awaitBlocked();
        if (notBlocked != null) {
            stop = true;
            h.server.release(x.id);
        }
        return notBlocked;
    }

    private String awaitBlocked() throws InterruptedException {
        long start = System.nanoTime();
        long last = -1;
        long stillSince = start;
        while (true) {
            Thread.sleep(20);
            long now = System.nanoTime();
            if (done.getCount() == 0) {
                return "the writer ended before the peer's buffers filled: " + LocalServer.describe(end.get());
            }
            long w = writes.get();
            if (w != last) {
                last = w;
                stillSince = now;
            } else if (now - stillSince > 150_000_000L) {
                return null;
            }
            if (now - start > 10_000_000_000L) return "the writer never blocked (" + w + " writes in 10 s)";
        }
    }
}
