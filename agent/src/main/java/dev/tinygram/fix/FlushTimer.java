package dev.tinygram.fix;

import dev.tinygram.bootstrap.TinygramBridge;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends coalesced bytes that have waited {@code maxDelay}: an application that writes and then does something
 * else than read is never left hanging. One daemon thread for the JVM. While some socket has bytes buffered it
 * checks every half {@code maxDelay}, so a byte waits at most about 1.5 x maxDelay; with nothing buffered it
 * sleeps until the next buffer starts. Starting a buffer costs an unpark only when the thread sleeps: a busy
 * request/response app does not wake a thread per request.
 */
public final class FlushTimer {
    /**
     * Coalescer or cork to its connection. Keyed by the coalescer's identity: a request/response app re-adds it per
     * request.
     */
    private final Map<Flushable, Object> pending = new ConcurrentHashMap<>();
    private final long tickNanos;
    private final Thread thread;
    private volatile boolean idle;
    private volatile boolean stopping;

    public FlushTimer(long maxDelayNanos) {
        this.tickNanos = tickFor(maxDelayNanos);
        this.thread = new Thread(this::run, "tinygram-flush-timer");
        thread.setDaemon(true);
        thread.start();
    }

    /** The tick for a maxDelay: half of it, so a byte waits at most about 1.5 x maxDelay. */
    public static long tickFor(long maxDelayNanos) {
        return Math.max(1, maxDelayNanos / 2);
    }

    /** The half of maxDelay this timer checks at, while something is buffered. */
    public long tickNanos() {
        return tickNanos;
    }

    /**
     * Ends the thread once nothing it watches holds bytes any more, for a new maxDelay or a detach. The coalescers
     * that used it are retired first, so that is at once in the usual case; should one still have bytes (a
     * stand-down racing a write), the timer goes on until they are sent.
     */
    public void stop() {
        stopping = true;
        LockSupport.unpark(thread);
    }

    /** Whether its thread still runs: after {@link #stop}, until nothing it watches holds bytes. */
    boolean running() {
        return thread.isAlive();
    }

    /** A coalescer started a buffer on {@code socket}, or a cork corked it; checked until it holds nothing. */
    void watch(Flushable coalescer, Object socket) {
        if (pending.putIfAbsent(coalescer, socket) == null && idle) LockSupport.unpark(thread);
    }

    private void run() {
        while (true) {
            if (pending.isEmpty()) {
                if (stopping) return;
                idle = true;
                if (pending.isEmpty() && !stopping) LockSupport.park(this);
                idle = false;
                continue;
            }
            LockSupport.parkNanos(this, tickNanos);
            TinygramBridge.runAsAgent(this::tick);
        }
    }

    private void tick() {
        for (Iterator<Map.Entry<Flushable, Object>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Flushable, Object> p = it.next();
            try {
                if (p.getKey().flushIfOverdue(p.getValue())) {
                    it.remove();
                    // A writer that started a new buffer meanwhile found the entry still here and did not add it
                    // again: look once more, or its bytes could wait for the next read instead of maxDelay.
                    if (p.getKey().mayHaveBuffered(p.getValue())) watch(p.getKey(), p.getValue());
                }
            } catch (Throwable t) {
                it.remove();   // a failed send is kept by its coalescer for the application
            }
        }
    }
}
