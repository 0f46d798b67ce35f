package dev.tinygram.it.integrity;

import static dev.tinygram.it.integrity.Harness.ms;

import dev.tinygram.it.integrity.Harness.Ctx;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code stall-close}: the peer stops reading, so a writer of small records ends up blocked ({@link StallWriter}).
 * Then, as applications do to give up on a stuck peer, another thread closes the socket: close() must return at
 * once, and the writer get an IOException (not for ssl: SSLSocket.close() itself waits for the writer). Runs alone.
 */
final class StallCloseScenario extends StallScenario {
    @Override
    public String label() {
        return "stall-close";
    }

    @Override
    public Runs runs() {
        return Runs.ALONE;
    }

    @Override
    String detail() {
        return "peer stops reading; another thread closes the socket while a writer is blocked";
    }

    @Override
    String whileBlocked(Harness h, Ctx x, Net.Conn c, StallWriter w) throws Exception {
        String failure = null;
        CountDownLatch closed = new CountDownLatch(1);
        AtomicReference<Throwable> closeError = new AtomicReference<>();
        x.start("closer", () -> {
            try {
                c.close();
            } catch (Throwable e) {
                closeError.set(e);
            } finally {
                closed.countDown();
            }
        });
        boolean closedInTime = closed.await(3, TimeUnit.SECONDS);
        boolean writerEnded = closedInTime && w.done.await(3, TimeUnit.SECONDS);
        if (!closedInTime) {
            failure = "close() from another thread did not return within 3 s while a writer was blocked ("
                    + w.writes.get() + " writes had returned)";
        } else if (!writerEnded) {
            failure = "the blocked writer did not end within 3 s of close()";
        } else if (!(w.end.get() instanceof IOException)) {
            failure = "the blocked writer ended with " + LocalServer.describe(w.end.get()) + ", not an IOException";
        } else {
            h.sawException(this, w.end.get());
        }
        long released = System.nanoTime();
        h.server.release(x.id);
        if (!closed.await(10, TimeUnit.SECONDS) || !w.done.await(10, TimeUnit.SECONDS)) {
            return (failure == null ? "" : failure + "; ") + "still blocked 10 s after the peer read again";
        }
        if (failure != null) {
            failure += "; close returned " + ms(System.nanoTime() - released) + " ms after the peer read again"
                    + ", the writer ended with " + LocalServer.describe(w.end.get());
        }
        return failure;
    }
}
