package dev.tinygram.fix;

import static org.junit.jupiter.api.Assertions.*;

import dev.tinygram.fix.CoalesceStats.Cause;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Several threads writing through one coalescer, with the timer flushing under them. */
class CoalescerConcurrencyTest {
    private static final int THREADS = 4;
    private static final int RECORDS = 2000;
    private static final int BOUND = 128;
    private static final int HEADER = 6;   // length, thread, sequence (4)

    /** A record: [length][thread][seq as 4 bytes][payload], every payload byte derived from its position. */
    private static byte[] record(int thread, int seq, int length) {
        byte[] r = new byte[length];
        r[0] = (byte) length;
        r[1] = (byte) thread;
        ByteBuffer.wrap(r, 2, 4).putInt(seq);
        for (int i = HEADER; i < length; i++) r[i] = payload(thread, seq, i);
        return r;
    }

    private static byte payload(int thread, int seq, int i) {
        return (byte) (thread * 31 + seq * 7 + i);
    }

    @Test
    void everyRecordArrivesOnceIntactAndInEachThreadsOrder() throws Exception {
        Object socket = new Object();
        Recorder recorder = new Recorder();
        CoalesceStats stats = new CoalesceStats();
        Coalescer coalescer = new Coalescer(BOUND, TimeUnit.MICROSECONDS.toNanos(100), recorder,
                new FlushTimer(TimeUnit.MILLISECONDS.toNanos(2)), new SendThreads(), stats, System::nanoTime);
        CountDownLatch start = new CountDownLatch(1);
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads.add(new Thread(() -> {
                Random random = new Random(thread);
                try {
                    start.await();
                    for (int seq = 0; seq < RECORDS; seq++) {
                        byte[] r = record(thread, seq, HEADER + random.nextInt(BOUND - HEADER));   // < BOUND
                        Object result = CoalescerCalls.write(coalescer, socket, ByteBuffer.wrap(r));
                        if (result == null) {
                            recorder.write(socket, r, 0, r.length);   // the JDK write going ahead
                        } else if (result instanceof Throwable e) {
                            throw e;
                        }
                        if (random.nextInt(100) == 0) {
                            IOException e = CoalescerCalls.flush(coalescer, socket, Cause.READ);
                            if (e != null) throw e;
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, "writer-" + t));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(t.isAlive(), t.getName() + " finished");
        }
        assertEquals(List.of(), errors);
        assertNull(CoalescerCalls.flush(coalescer, socket, Cause.CLOSE));

        byte[] stream = recorder.bytes();
        int[] next = new int[THREADS];
        int at = 0;
        while (at < stream.length) {
            int length = stream[at] & 0xff;
            assertTrue(length >= HEADER && at + length <= stream.length, "a whole record at offset " + at);
            int thread = stream[at + 1];
            assertTrue(thread >= 0 && thread < THREADS, "a known thread at offset " + at);
            int seq = ByteBuffer.wrap(stream, at + 2, 4).getInt();
            assertEquals(next[thread], seq, "thread " + thread + "'s records in its order, each once");
            for (int i = HEADER; i < length; i++) {
                assertEquals(payload(thread, seq, i), stream[at + i], "record " + thread + "/" + seq + " intact");
            }
            next[thread]++;
            at += length;
        }
        for (int t = 0; t < THREADS; t++) assertEquals(RECORDS, next[t], "all of thread " + t + "'s records");
        assertEquals(THREADS * RECORDS, stats.writesBuffered(), "every record was buffered (all are small)");
    }
}
