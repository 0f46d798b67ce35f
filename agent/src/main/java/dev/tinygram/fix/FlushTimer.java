package dev.tinygram.fix;

import dev.tinygram.bootstrap.TinygramBridge;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Sends coalesced bytes that have waited {@code maxDelay}: an application that writes and then does something
 * else than read is never left hanging. One daemon thread for the JVM, woken only by due deadlines.
 */
public final class FlushTimer {
    private final DelayQueue<Due> queue = new DelayQueue<>();
    private final LongSupplier clock;
    private final Thread thread;

    private final class Due implements Delayed {
        final Coalescer coalescer;
        final Object socket;
        final long deadline;

        Due(Coalescer coalescer, Object socket, long deadline) {
            this.coalescer = coalescer;
            this.socket = socket;
            this.deadline = deadline;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(deadline - clock.getAsLong(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(deadline, ((Due) other).deadline);
        }
    }

    public FlushTimer(LongSupplier clock) {
        this.clock = clock;
        this.thread = new Thread(this::run, "tinygram-flush-timer");
        thread.setDaemon(true);
        thread.start();
    }

    public void schedule(Coalescer coalescer, Object socket, long deadline) {
        queue.add(new Due(coalescer, socket, deadline));
    }

    private void run() {
        while (true) {
            try {
                Due due = queue.take();
                TinygramBridge.runAsAgent(() -> due.coalescer.flushIfDue(due.socket, due.deadline));
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                // a failed flush is kept by its coalescer for the application; nothing else can go wrong here
            }
        }
    }
}
