package dev.tinygram.fix;

import dev.tinygram.bootstrap.TinygramBridge;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon threads that send a coalesced buffer for a caller that must not block on the peer: the flush timer, a
 * reader on another thread than the writer, a close from another thread. A thread per send under way, so a peer
 * that stops reading holds up its own connection only; idle threads end after 30 s. Their socket calls are the
 * agent's own, not observed.
 */
public final class SendThreads implements Executor {
    private final AtomicInteger created = new AtomicInteger();
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), this::thread);

    private Thread thread(Runnable work) {
        Thread t = new Thread(() -> TinygramBridge.runAsAgent(work), "tinygram-send-" + created.incrementAndGet());
        t.setDaemon(true);
        return t;
    }

    @Override
    public void execute(Runnable send) {
        pool.execute(send);
    }

    /** Threads alive now, busy or idle. */
    public int threads() {
        return pool.getPoolSize();
    }
}
