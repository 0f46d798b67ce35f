package dev.tinygram.it.integrity;

import static dev.tinygram.it.integrity.Harness.ms;
import static dev.tinygram.it.integrity.Harness.what;

import dev.tinygram.it.integrity.Harness.Ctx;
import java.net.SocketTimeoutException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code stall-timeout}: the peer stops reading, so a writer of small records ends up blocked ({@link StallWriter});
 * then, as applications do to give up on a stuck peer, another thread reads with SO_TIMEOUT: the read must time
 * out.
 */
final class StallTimeoutScenario extends StallScenario {
    @Override
    public String label() {
        return "stall-timeout";
    }

    @Override
    public Runs runs() {
        return Runs.EXTRA;
    }

    @Override
    String detail() {
        return "peer stops reading; while a writer is blocked another thread reads with SO_TIMEOUT 300 ms";
    }

    @Override
    String whileBlocked(Harness h, Ctx x, Net.Conn c, StallWriter w) throws Exception {
        String failure = null;
        CountDownLatch readDone = new CountDownLatch(1);
        AtomicReference<Object> readEnd = new AtomicReference<>();
        AtomicLong readEndedAt = new AtomicLong();
        x.start("reader", () -> {
            try {
                readEnd.set(c.readWithTimeout(new byte[100], 0, 100, 300));
            } catch (Throwable e) {
                readEnd.set(e);
            } finally {
                readEndedAt.set(System.nanoTime());
                readDone.countDown();
            }
        });
        boolean inTime = readDone.await(3, TimeUnit.SECONDS);
        if (!inTime) {
            failure = "a read with SO_TIMEOUT 300 ms did not end within 3 s while a writer was blocked";
        } else if (!(readEnd.get() instanceof SocketTimeoutException)) {
            failure = "the read with SO_TIMEOUT 300 ms ended with " + what(readEnd.get())
                    + ", not a SocketTimeoutException";
        } else {
            h.sawException(this, (Throwable) readEnd.get());
        }
        long released = System.nanoTime();
        h.server.release(x.id);
        boolean readEnded = readDone.await(10, TimeUnit.SECONDS);
        w.stop = true;
        boolean writerEnded = w.done.await(10, TimeUnit.SECONDS);
        if (failure != null && readEnded) {
            failure += "; the read ended " + ms(readEndedAt.get() - released) + " ms after the peer read again, with "
                    + what(readEnd.get());
        }
        if (!readEnded || !writerEnded) {
            return (failure == null ? "" : failure + "; ") + "still blocked 10 s after the peer read again";
        }
        if (failure == null && w.end.get() != null) failure = "the writer failed: " + what(w.end.get());
        return failure;
    }
}
