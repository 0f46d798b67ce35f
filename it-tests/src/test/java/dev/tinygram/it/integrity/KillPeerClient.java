package dev.tinygram.it.integrity;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code IntegrityApp --scenario kill-peer}: connections to a {@link PeerServer} in another process, which the test
 * kills mid-stream. Each connection keeps going until the application gets an IOException from the socket:
 * <ul>
 *   <li>{@code small-writer}: one thread writes small records with pauses shorter than the flush delay (so under
 *       mode=coalesce bytes sit in the agent's buffer when the peer dies); the peer discards;</li>
 *   <li>{@code echo-threads}: two writers of all sizes and a reader verifying the echo;</li>
 *   <li>{@code lockstep}: write a batch of small records, read exactly their echo; after an EOF, keep writing;</li>
 *   <li>{@code mixed-writer}: one thread writes records of all sizes, no pauses; the peer discards.</li>
 * </ul>
 * Prints {@code STREAMING} once every connection has data flowing (the test then kills the peer), one line per
 * connection, and {@code RESULT app=integrity scenario=kill-peer api=X connections=N sawIOException=BOOL
 * ioexceptions=K failures=F}. Exit 0 only if every connection's application threads got an IOException and what
 * came back before the kill was an intact prefix.
 */
final class KillPeerClient {
    static final long DEADLINE_AFTER_STREAMING_MS = 15_000;
    static final String[] PATTERNS = {"small-writer", "echo-threads", "lockstep", "mixed-writer"};

    private KillPeerClient() {}

    static final class Conn {
        final int id;
        final String pattern;
        final long connSeed;
        final Random r;
        volatile Net.Conn conn;
        final List<String> ioExceptions = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final AtomicLong written = new AtomicLong();
        final List<Thread> threads = new CopyOnWriteArrayList<>();
        volatile long firstIoeNanos;
        volatile boolean stop;
        Records.Verifier verifier;

        Conn(int id, long seed) {
            this.id = id;
            this.pattern = PATTERNS[id % PATTERNS.length];
            this.connSeed = Records.mix(seed * 7919 + id);
            this.r = new Random(connSeed);
        }

        void ioe(IOException e) {
            if (firstIoeNanos == 0) firstIoeNanos = System.nanoTime();
            ioExceptions.add(LocalServer.describe(e));
        }

        Thread start(String name, Runnable body) {
            Thread t = new Thread(body, "kill-peer-" + id + "-" + name);
            t.setDaemon(true);
            threads.add(t);
            t.start();
            return t;
        }
    }

    static int run(Net.Api api, int port, int connections, long seed, int maxWrite) throws Exception {
        List<Conn> conns = new ArrayList<>();
        CountDownLatch streaming = new CountDownLatch(connections);
        for (int i = 0; i < connections; i++) {
            Conn k = new Conn(i, seed);
            conns.add(k);
            k.conn = Net.connect(api, port, k.r);
            boolean echo = k.pattern.equals("echo-threads") || k.pattern.equals("lockstep");
            byte[] h = Wire.header(i, echo ? Wire.ECHO : Wire.DISCARD, 0);
            k.conn.write(h, 0, h.length);
            k.conn.flush();
            switch (k.pattern) {
                case "small-writer" -> startWriter(k, 0, maxWrite, true, streaming, null);
                case "mixed-writer" -> startWriter(k, 0, maxWrite, false, streaming, null);
                case "echo-threads" -> {
                    k.verifier = new Records.Verifier(k.connSeed, 2, maxWrite, false);
                    Object lock = new Object();
                    startWriter(k, 0, maxWrite, false, streaming, lock);
                    startWriter(k, 1, maxWrite, false, null, lock);
                    startReader(k);
                }
                default -> startLockstep(k, streaming);
            }
        }
        long t0 = System.nanoTime();
        if (!streaming.await(20, TimeUnit.SECONDS)) {
            System.out.println("RESULT app=integrity scenario=kill-peer api=" + api.label() + " connections="
                    + connections + " sawIOException=false ioexceptions=0 failures=" + connections
                    + " note=not-streaming");
            return 1;
        }
        long streamingAt = System.nanoTime();
        System.out.println("STREAMING after " + TimeUnit.NANOSECONDS.toMillis(streamingAt - t0) + " ms");
        System.out.flush();
        long deadline = streamingAt + TimeUnit.MILLISECONDS.toNanos(DEADLINE_AFTER_STREAMING_MS);
        boolean expired = false;
        for (Conn k : conns) {
            for (Thread t : k.threads) {
                long left = deadline - System.nanoTime();
                if (left > 0) t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                if (t.isAlive()) expired = true;
            }
        }
        if (expired) {
            StringBuilder sb = new StringBuilder();
            for (Conn k : conns) {
                for (Thread t : k.threads) {
                    if (!t.isAlive()) continue;
                    sb.append("  \"").append(t.getName()).append("\" ").append(t.getState()).append('\n');
                    StackTraceElement[] st = t.getStackTrace();
                    for (int i = 0; i < Math.min(24, st.length); i++) sb.append("      at ").append(st[i]).append('\n');
                }
            }
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (!t.getName().startsWith("tinygram")) continue;
                sb.append("  \"").append(t.getName()).append("\" ").append(t.getState()).append('\n');
                StackTraceElement[] st = t.getStackTrace();
                for (int i = 0; i < Math.min(24, st.length); i++) sb.append("      at ").append(st[i]).append('\n');
            }
            System.err.println("kill-peer: threads still running " + DEADLINE_AFTER_STREAMING_MS
                    + " ms after STREAMING (no IOException?):\n" + sb);
        }
        int ioes = 0;
        int failures = 0;
        long maxFirst = -1;
        long minFirst = Long.MAX_VALUE;
        boolean all = true;
        for (Conn k : conns) {
            boolean alive = k.threads.stream().anyMatch(Thread::isAlive);
            if (k.verifier != null && k.verifier.failure() != null) {
                k.failures.add("echo before the kill is not an intact prefix: " + k.verifier.failure());
            }
            if (alive) k.failures.add("still running, no IOException, " + DEADLINE_AFTER_STREAMING_MS
                    + " ms after STREAMING");
            boolean saw = !k.ioExceptions.isEmpty();
            if (!saw) all = false;
            else {
                long first = TimeUnit.NANOSECONDS.toMillis(k.firstIoeNanos - streamingAt);
                maxFirst = Math.max(maxFirst, first);
                minFirst = Math.min(minFirst, first);
            }
            ioes += k.ioExceptions.size();
            if (!k.failures.isEmpty()) failures++;
            System.out.println("kill-peer connection " + k.id + " " + k.pattern + " (" + k.conn.how() + "): wrote "
                    + k.written.get() + " B"
                    + (k.verifier != null ? ", verified " + k.verifier.records() + " echoed records" : "")
                    + (saw ? ", first IOException "
                    + TimeUnit.NANOSECONDS.toMillis(k.firstIoeNanos - streamingAt) + " ms after STREAMING: "
                    + k.ioExceptions : ", no IOException")
                    + (k.failures.isEmpty() ? "" : ", FAILURES: " + k.failures));
            if (!k.failures.isEmpty()) System.err.println("kill-peer connection " + k.id + " " + k.pattern + ": "
                    + k.failures);
        }
        System.out.println("RESULT app=integrity scenario=kill-peer api=" + api.label() + " connections="
                + connections + " sawIOException=" + all + " ioexceptions=" + ioes + " failures=" + failures
                + " min_first_ioe_ms=" + (minFirst == Long.MAX_VALUE ? -1 : minFirst) + " max_first_ioe_ms=" + maxFirst
                + " elapsed_after_streaming_ms=" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - streamingAt));
        System.out.flush();
        for (Conn k : conns) {
            Thread closer = new Thread(() -> {
                try {
                    k.conn.close();
                } catch (IOException ignored) {
                    // broken on purpose
                }
            });
            closer.setDaemon(true);
            closer.start();
            closer.join(2000);
        }
        return all && failures == 0 && !expired ? 0 : 1;
    }

    /** Writes records until an IOException; counts down {@code streaming} (if given) after 64 KB. */
    private static void startWriter(Conn k, int tid, int maxWrite, boolean small, CountDownLatch streaming,
                                    Object lock) {
        Random wr = new Random(k.r.nextLong());
        k.start("writer" + tid, () -> {
            boolean counted = streaming == null;
            try {
                for (long seq = 0; ; seq++) {
                    byte[] rec = Records.build(k.connSeed, tid, seq,
                            Records.payloadSize(k.connSeed, tid, seq, maxWrite, small));
                    if (lock != null) {
                        synchronized (lock) {
                            Harness.writeRecord(k.conn, rec, wr);
                        }
                    } else {
                        Harness.writeRecord(k.conn, rec, wr);
                    }
                    long w = k.written.addAndGet(rec.length);
                    if (!counted && w >= 65536) {
                        streaming.countDown();
                        counted = true;
                    }
                    if (small) LockSupport.parkNanos(50_000 + wr.nextInt(250_000));
                    else Harness.maybePause(wr);
                }
            } catch (IOException e) {
                k.ioe(e);
            } catch (Throwable t) {
                k.failures.add("writer " + tid + ": unexpected " + LocalServer.describe(t));
            } finally {
                if (!counted) streaming.countDown();
            }
        });
    }

    private static void startReader(Conn k) {
        Random rr = new Random(k.r.nextLong());
        k.start("reader", () -> {
            byte[] buf = new byte[300_000];
            try {
                while (true) {
                    int n = k.conn.read(buf, 0, 1 + rr.nextInt(buf.length));
                    if (n < 0) return;   // EOF: the writers still have to get their IOException
                    k.verifier.feed(buf, 0, n);
                }
            } catch (IOException e) {
                k.ioe(e);
            } catch (Throwable t) {
                k.failures.add("reader: unexpected " + LocalServer.describe(t));
            }
        });
    }

    private static void startLockstep(Conn k, CountDownLatch streaming) {
        k.verifier = new Records.Verifier(k.connSeed, 1, 4096, true);
        Random r = new Random(k.r.nextLong());
        k.start("lockstep", () -> {
            byte[] buf = new byte[65536];
            boolean counted = false;
            boolean eof = false;
            long seq = 0;
            try {
                while (true) {
                    int n = 1 + r.nextInt(8);
                    long batch = 0;
                    for (int i = 0; i < n; i++, seq++) {
                        byte[] rec = Records.build(k.connSeed, 0, seq, Records.payloadSize(k.connSeed, 0, seq, 4096,
                                true));
                        Harness.writeRecord(k.conn, rec, r);
                        batch += rec.length;
                        k.written.addAndGet(rec.length);
                    }
                    if (eof) {
                        LockSupport.parkNanos(200_000);
                        continue;
                    }
                    long got = 0;
                    while (got < batch) {
                        int m = k.conn.read(buf, 0, (int) Math.min(buf.length, batch - got));
                        if (m < 0) {
                            eof = true;   // the peer is gone; an application would now write and fail
                            break;
                        }
                        got += m;
                        k.verifier.feed(buf, 0, m);
                    }
                    if (!counted && k.written.get() >= 16384) {
                        streaming.countDown();
                        counted = true;
                    }
                }
            } catch (IOException e) {
                k.ioe(e);
            } catch (Throwable t) {
                k.failures.add("lockstep: unexpected " + LocalServer.describe(t));
            } finally {
                if (!counted) streaming.countDown();
            }
        });
    }
}
