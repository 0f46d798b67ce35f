package dev.tinygram.it.integrity;

import java.io.IOException;
import java.io.PrintStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The mixed run of {@link IntegrityApp}: the in-process server, a pool running the connections through their
 * {@link Scenario}s, the watchdog, the counts and the RESULT line; and the helpers the scenarios share (opening a
 * connection, writing records in pieces, pauses, read sizes).
 */
final class Harness {
    /** The longest a connection may take even while bytes still move (a hang is 5 s without any: see watch()). */
    static final long HANG_DEADLINE_MS = 60_000;
    /** The stall scenarios' deadline: they wait on purpose (for a writer to block, for the peer to read again). */
    static final long STALL_DEADLINE_MS = HANG_DEADLINE_MS + 20_000;
    static final long STUCK_AFTER_ABORT_MS = 8_000;
    static final long NO_PROGRESS_MS = 5_000;
    /** How long a connection may stand still while the kernel, not the application, holds its bytes. */
    static final long KERNEL_HELD_MS = 30_000;
    /** Added to a connection's id for its second connection (stall-neighbour's connection B). */
    static final int NEIGHBOUR_ID = 1 << 30;

    /** --threads virtual (JDK 21+): every connection's threads are virtual, client and server. */
    static volatile boolean virtualThreads;

    /** An unstarted daemon thread, virtual with --threads virtual (by reflection: this compiles for JDK 17). */
    static Thread newThread(Runnable body, String name) {
        if (virtualThreads) {
            try {
                Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
                Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
                builder = ofVirtual.getMethod("name", String.class).invoke(builder, name);
                return (Thread) ofVirtual.getMethod("unstarted", Runnable.class).invoke(builder, body);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("--threads virtual needs JDK 21+", e);
            }
        }
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    final Net.Api api;
    private final Net.Api serverApi;
    private final int connections;
    private final long seed;
    final int maxWrite;
    private final int parallel;
    final long resetDeadlineMs;
    private final long runDeadlineMs;
    final LocalServer server;
    private final List<Scenario> only;
    private final AtomicInteger nodelayChecked = new AtomicInteger();
    private final AtomicInteger nodelayOn = new AtomicInteger();

    private final Map<Integer, Ctx> active = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final Map<Scenario, AtomicInteger> okBy = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> exceptions = new ConcurrentHashMap<>();
    private final LongAdder recordsVerified = new LongAdder();
    private final LongAdder bytesVerified = new LongAdder();
    private final TreeMap<Long, String> slowest = new TreeMap<>();
    private final long started = System.nanoTime();

    /** One connection being run. */
    final class Ctx {
        final int id;
        final long connSeed;
        final Scenario scenario;
        final Random r;
        final List<Thread> threads = new CopyOnWriteArrayList<>();
        final List<Net.Conn> others = new CopyOnWriteArrayList<>();
        final long deadlineNanos;
        final long startedNanos = System.nanoTime();
        volatile Net.Conn conn;
        volatile String detail = "";
        volatile boolean expired;
        volatile long expiredAtNanos;
        volatile String expiry;
        /** Bytes the application's reads and writes moved; the watchdog calls a connection hung when it stops. */
        final AtomicLong progress = new AtomicLong();
        long progressSeen = -1;
        long progressSeenAt;
        /** How long the watchdog lets it stand still: {@link #NO_PROGRESS_MS}, longer once the kernel holds bytes. */
        long patienceMs = NO_PROGRESS_MS;

        Ctx(int id, Scenario scenario) {
            this.id = id;
            this.connSeed = Records.mix(seed * 1_000_003L + id);
            this.scenario = scenario;
            this.r = new Random(connSeed);
            this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(scenario.deadlineMs(Harness.this));
        }

        Thread start(String name, Runnable body) {
            Thread t = newThread(body, "integrity-" + id + "-" + name);
            threads.add(t);
            t.start();
            return t;
        }

        String name() {
            return "connection " + id + " (" + scenario.label() + ", " + api.label() + " client"
                    + (conn != null ? " " + conn.how() : "") + ", server " + serverApi.label()
                    + (detail.isEmpty() ? "" : ", " + detail) + ")";
        }
    }

    Harness(Net.Api api, Net.Api serverApi, int connections, long seed, int maxWrite, int parallel,
            long resetDeadlineMs, LocalServer.Inject inject, List<Scenario> only, long runDeadlineMs)
            throws IOException {
        this.only = only;
        this.runDeadlineMs = runDeadlineMs;
        this.api = api;
        this.serverApi = serverApi;
        this.connections = connections;
        this.seed = seed;
        this.maxWrite = maxWrite;
        this.parallel = parallel;
        this.resetDeadlineMs = resetDeadlineMs;
        this.server = new LocalServer(serverApi, seed, inject);
        for (Scenario s : Scenario.ALL) okBy.put(s, new AtomicInteger());
    }

    /** Runs every connection; returns the exit status. */
    int run() throws Exception {
        watchAgentLines();
        Thread watchdog = new Thread(this::watch, "integrity-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> newThread(r, "integrity-conn"));
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            int id = i;
            done.add(pool.submit(() -> runOne(new Ctx(id, Scenario.scenarioOf(id, only, api)))));
        }
        for (Future<?> f : done) f.get();
        pool.shutdown();
        server.close();
        printResult(System.out, false);
        return failed.get() == 0 ? 0 : 1;
    }

    private void printResult(PrintStream out, boolean stuck) {
        long ms = ms(System.nanoTime() - started);
        StringBuilder by = new StringBuilder();
        for (Scenario s : Scenario.ALL) by.append(' ').append(s.label()).append('=').append(okBy.get(s).get());
        Map<String, Long> ex = new TreeMap<>();
        exceptions.forEach((k, v) -> ex.put(k, v.sum()));
        ex.forEach((k, v) -> out.println("integrity: exception seen by the app: " + k + " x" + v));
        synchronized (slowest) {
            slowest.descendingMap().values().forEach(v -> out.println("integrity: slowest: " + v));
        }
        int shown = 0;
        for (String f : failures) {
            if (shown++ == 10) break;
            System.err.println("integrity FAILURE: " + f);
        }
        boolean flushTimer = Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("tinygram-flush-timer"));
        out.println("RESULT app=integrity api=" + api.label() + " server_api=" + serverApi.label()
                + (virtualThreads ? " threads=virtual" : "") + " connections="
                + connections + " ok=" + ok.get() + " failures=" + failed.get() + by + " records="
                + recordsVerified.sum() + " bytes=" + bytesVerified.sum() + " nodelay_checked="
                + nodelayChecked.get() + " nodelay_on=" + nodelayOn.get() + " flush_timer=" + flushTimer
                + " elapsed_ms=" + ms + (stuck ? " stuck=true" : ""));
        out.flush();
        System.err.flush();
    }

    private void runOne(Ctx x) {
        active.put(x.id, x);
        x.threads.add(Thread.currentThread());
        String poolName = Thread.currentThread().getName();
        Thread.currentThread().setName("integrity-" + x.id + "-main");
        String failure;
        try {
            failure = x.scenario.run(this, x);
        } catch (Throwable t) {
            failure = "unexpected " + LocalServer.describe(t) + at(t);
        } finally {
            x.threads.remove(Thread.currentThread());
        }
        if (x.expired) failure = x.expiry + (failure == null ? "" : "; then: " + failure);
        long ms = ms(System.nanoTime() - x.startedNanos);
        synchronized (slowest) {
            slowest.put(ms * 100_000L + x.id, x.name() + ": " + ms + " ms, " + x.progress.get() + " B moved");
            if (slowest.size() > 3) slowest.pollFirstEntry();
        }
        if (failure == null) {
            ok.incrementAndGet();
            okBy.get(x.scenario).incrementAndGet();
        } else {
            failed.incrementAndGet();
            failures.add(x.name() + ": " + failure);
        }
        List<Net.Conn> all = new ArrayList<>(x.others);
        if (x.conn != null) all.add(x.conn);
        for (Net.Conn c : all) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closed already, or broken: the scenario has judged it
            }
        }
        server.forget(x.id);
        server.forget(x.id + NEIGHBOUR_ID);
        active.remove(x.id);
        Thread.currentThread().setName(poolName);
    }

    // ---- counts -------------------------------------------------------------------------------------------------

    /** Counts an exception the application got, by scenario and type and message, for the RESULT's summary. */
    void sawException(Scenario s, Throwable e) {
        sawException(s, LocalServer.describe(e));
    }

    /** Counts something of note about the exceptions ({@code what}), listed with them. */
    void sawException(Scenario s, String what) {
        exceptions.computeIfAbsent(s.label() + ": " + what, k -> new LongAdder()).increment();
    }

    void verified(long records, long bytes) {
        recordsVerified.add(records);
        bytesVerified.add(bytes);
    }

    // ---- opening connections ------------------------------------------------------------------------------------

    /** Connects {@code x}'s connection, counting its bytes, and sends the header that tells the server what to do. */
    Net.Conn open(Ctx x, byte kind, int param) throws IOException {
        return open(x, kind, param, 0);
    }

    Net.Conn open(Ctx x, byte kind, int param, int sendBuffer) throws IOException {
        Net.Conn c = new Counting(Net.connect(api, server.port(), x.r, sendBuffer), x.progress);
        x.conn = c;
        header(x, c, x.id, kind, param);
        return c;
    }

    /** A second connection of {@code x}, counting its bytes and closed with it; its header is the caller's. */
    Net.Conn connectOther(Ctx x) throws IOException {
        Net.Conn c = new Counting(Net.connect(api, server.port(), x.r), x.progress);
        x.others.add(c);
        return c;
    }

    /** Writes the header (whole or in two pieces), then notes whether TCP_NODELAY is on, which the app never sets. */
    void header(Ctx x, Net.Conn c, int id, byte kind, int param) throws IOException {
        byte[] h = Wire.header(id, kind, param);
        if (x.r.nextBoolean()) {
            c.write(h, 0, h.length);
        } else {   // the header in two pieces too
            int split = 1 + x.r.nextInt(h.length - 1);
            c.write(h, 0, split);
            c.write(h, split, h.length - split);
        }
        if (c.buffered()) c.flush();
        if (api == Net.Api.SSL) {
            // TLS 1.3 servers send session tickets after the handshake; reading the server's one-byte ack consumes
            // them, so a later close() finds no unread data (which would turn the FIN into a RST, agent or not)
            byte[] ack = new byte[1];
            Wire.readFully(c, ack, 0, 1);
        }
        nodelayChecked.incrementAndGet();
        if (c.nodelay()) nodelayOn.incrementAndGet();
    }

    /** Waits (10 s at most) for the server side of {@code x} to finish; returns null, or what went wrong there. */
    String serverError(Ctx x) throws Exception {
        LocalServer.Outcome o;
        try {
            o = server.outcome(x.id).get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return "the server side did not finish within 10 s";
        }
        return o.error() == null || x.scenario.serverResets() ? null : "server: " + o.error();
    }

    // ---- writing records, pauses, reads -------------------------------------------------------------------------

    /** A record as one write, as header, payload and CRC, in 2..6 random pieces, or as one gathering write. */
    /** Writes records 0 to n-1 of stream 0 (some above one MSS), adding each to {@code md}; returns their bytes. */
    static long writeRecords(Ctx x, Net.Conn c, int n, MessageDigest md) throws IOException {
        long bytes = 0;
        for (int seq = 0; seq < n; seq++) {
            byte[] rec = Records.build(x.connSeed, 0, seq, Records.payloadSize(x.connSeed, 0, seq, 4096, true));
            md.update(rec);
            writeRecord(c, rec, x.r);
            bytes += rec.length;
        }
        return bytes;
    }

    static void writeRecord(Net.Conn c, byte[] rec, Random r) throws IOException {
        writePieces(c, rec, r);
        if (c.buffered() || r.nextInt(4) == 0) c.flush();   // a message end
    }

    private static void writePieces(Net.Conn c, byte[] rec, Random r) throws IOException {
        int p = r.nextInt(100);
        int plen = rec.length - Records.OVERHEAD;
        if (p < 50) {
            put(c, rec, 0, rec.length, r);
        } else if (p < 75) {
            put(c, rec, 0, Records.HEADER, r);
            if (r.nextInt(30) == 0) maybePause(r);
            put(c, rec, Records.HEADER, plen, r);
            put(c, rec, Records.HEADER + plen, Records.TRAILER, r);
        } else if (p < 90) {
            int pieces = 2 + r.nextInt(5);
            int[] cuts = new int[pieces + 1];
            cuts[pieces] = rec.length;
            for (int i = 1; i < pieces; i++) cuts[i] = 1 + r.nextInt(rec.length - 1);
            Arrays.sort(cuts);
            for (int i = 0; i < pieces; i++) {
                if (cuts[i + 1] > cuts[i]) put(c, rec, cuts[i], cuts[i + 1] - cuts[i], r);
                if (r.nextInt(40) == 0) maybePause(r);
            }
        } else {
            byte[] copy = rec.clone();
            c.writeGather(new byte[][] {copy, copy, copy}, new int[] {0, Records.HEADER, Records.HEADER + plen},
                    new int[] {Records.HEADER, plen, Records.TRAILER});
            Arrays.fill(copy, (byte) 0x5A);   // the app reuses its buffers as soon as write returns
        }
    }

    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[1 << 16]);

    /**
     * One write of {@code src[off, off+len)}; a quarter of the time from a per-thread buffer that is overwritten as
     * soon as the write returns, as applications reuse theirs: bytes must have been taken, not referenced.
     */
    static void put(Net.Conn c, byte[] src, int off, int len, Random r) throws IOException {
        if (r.nextInt(4) != 0) {
            c.write(src, off, len);
            return;
        }
        int at = r.nextInt(64);
        byte[] scratch = SCRATCH.get();
        if (scratch.length < at + len) {
            scratch = new byte[Math.max(at + len, scratch.length * 2)];
            SCRATCH.set(scratch);
        }
        System.arraycopy(src, off, scratch, at, len);
        c.write(scratch, at, len);
        Arrays.fill(scratch, at, at + len, (byte) 0xA5);
    }

    /** Now and then a pause: a yield, or up to 2 ms, around the agent's default flush delay of 1 ms. */
    static void maybePause(Random r) {
        int p = r.nextInt(100);
        if (p < 3) LockSupport.parkNanos(r.nextInt(2_000_000));
        else if (p < 10) Thread.yield();
    }

    static int pickReadSize(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> 1 + r.nextInt(16);
            case 1 -> 1 + r.nextInt(512);
            case 2 -> 1 + r.nextInt(8192);
            case 3 -> 65536;
            case 4 -> 1 + r.nextInt(300_000);
            default -> 16 + r.nextInt(4096);
        };
    }

    // ---- describing -----------------------------------------------------------------------------------------------

    /** Where in this package {@code t} was thrown, for failure lines. */
    static String at(Throwable t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith(Harness.class.getPackageName())) return " at " + e;
        }
        return "";
    }

    static String firstReadFailure(Records.Verifier v) {
        return v.failure() == null ? "" : "; the reader had found: " + v.failure();
    }

    static String what(Object o) {
        return o instanceof Throwable ? LocalServer.describe((Throwable) o) : "the value " + o;
    }

    static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** Counts the bytes each successful read and write moved, for the watchdog. */
    private static final class Counting implements Net.Conn {
        private final Net.Conn c;
        private final AtomicLong progress;

        Counting(Net.Conn c, AtomicLong progress) {
            this.c = c;
            this.progress = progress;
        }

        public void write(byte[] b, int off, int len) throws IOException {
            c.write(b, off, len);
            progress.addAndGet(len);
        }

        public void writeGather(byte[][] parts, int[] offs, int[] lens) throws IOException {
            c.writeGather(parts, offs, lens);
            progress.addAndGet(Arrays.stream(lens).sum());
        }

        public void flush() throws IOException {
            c.flush();
        }

        public boolean buffered() {
            return c.buffered();
        }

        public int read(byte[] b, int off, int len) throws IOException {
            int n = c.read(b, off, len);
            progress.addAndGet(Math.max(n, 0) + 1);
            return n;
        }

        public int readWithTimeout(byte[] b, int off, int len, int millis) throws IOException {
            int n = c.readWithTimeout(b, off, len, millis);
            progress.addAndGet(Math.max(n, 0) + 1);
            return n;
        }

        public boolean nodelay() throws IOException {
            return c.nodelay();
        }

        public void sendBuffer(int bytes) throws IOException {
            c.sendBuffer(bytes);
        }

        public void shutdownOutput() throws IOException {
            c.shutdownOutput();
        }

        public void close() throws IOException {
            c.close();
        }

        public void abort() throws IOException {
            c.abort();
        }

        public String how() {
            return c.how();
        }

        @Override
        public int localPort() {
            return c.localPort();
        }
    }

    // ---- the agent's own error lines ----------------------------------------------------------------------------

    /**
     * The agent reports that it could not start or stood down on stderr, in lines beginning "tinygram:". A run
     * after that tests nothing, so each such line is a failure here, named with the thread that printed it (the
     * one whose hook failed) and the connections running at that moment.
     */
    private void watchAgentLines() {
        PrintStream original = System.err;
        System.setErr(new PrintStream(new java.io.OutputStream() {
            private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                original.write(b);
                if (b == '\n') {
                    String text = line.toString(java.nio.charset.StandardCharsets.UTF_8);
                    line.reset();
                    if (text.startsWith("tinygram:") && !text.contains("nothing installed")) agentLine(text);
                } else if (line.size() < 4096) {
                    line.write(b);
                }
            }

            @Override
            public void flush() {
                original.flush();
            }
        }, true));
    }

    private void agentLine(String text) {
        StringBuilder running = new StringBuilder();
        for (Ctx x : active.values()) running.append("\n    ").append(x.name());
        failed.incrementAndGet();
        failures.add("the agent printed \"" + text.trim() + "\" in thread " + Thread.currentThread().getName()
                + "; connections running then:" + running);
    }

    // ---- the watchdog -------------------------------------------------------------------------------------------

    private void watch() {
        while (true) {
            LockSupport.parkNanos(50_000_000);
            long now = System.nanoTime();
            if (ms(now - started) > runDeadlineMs) {
                giveUp("the whole run took more than " + runDeadlineMs + " ms");
            }
            for (Ctx x : active.values()) {
                long p = x.progress.get();
                if (p != x.progressSeen) {
                    x.progressSeen = p;
                    x.progressSeenAt = now;
                    x.patienceMs = NO_PROGRESS_MS;
                }
                if (!x.expired && !x.scenario.mayStandStill()
                        && now - x.progressSeenAt > x.patienceMs * 1_000_000L) {
                    stoodStill(x, now);
                }
                if (!x.expired && now > x.deadlineNanos) expire(x, now, null);
                if (x.expired && now - x.expiredAtNanos > TimeUnit.MILLISECONDS.toNanos(STUCK_AFTER_ABORT_MS)) {
                    giveUp(x.name() + " is stuck: even an abortive close did not end it within "
                            + STUCK_AFTER_ABORT_MS + " ms");
                }
            }
        }
    }

    /**
     * No byte moved for {@link #NO_PROGRESS_MS}. If the kernel still holds bytes to send, the stall is the kernel's
     * (a zero-window probe or a retransmission backing off for seconds): it gets up to
     * {@link #KERNEL_HELD_MS} in all, noted on stdout with what ss saw. Anything else is a hang.
     */
    private void stoodStill(Ctx x, long now) {
        Net.Conn c = x.conn;
        KernelQueues k = KernelQueues.of(c == null ? 0 : c.localPort());
        long stillMs = ms(now - x.progressSeenAt);
        if (k.kernelHoldsBytes() && x.patienceMs < KERNEL_HELD_MS) {
            x.patienceMs = KERNEL_HELD_MS;
            System.out.println("integrity: note: " + x.name() + " moved no byte for " + stillMs
                    + " ms while the kernel held bytes to send; waiting up to " + KERNEL_HELD_MS + " ms; "
                    + k.describe().replace("\n        ", " / "));
            return;
        }
        expire(x, now, "hung: not a byte read or written for " + stillMs + " ms; " + k.describe());
    }

    private void expire(Ctx x, long now, String why) {
        if (why == null) why = x.scenario.overDeadline(this, x);
        x.expiry = why + "; threads:\n" + dump(x);
        x.expiredAtNanos = now;
        x.expired = true;
        Thread aborter = new Thread(() -> {
            List<Net.Conn> ends = new ArrayList<>(x.others);
            ends.add(x.conn);
            ends.add(server.serverEnd(x.id));
            ends.add(server.serverEnd(x.id + NEIGHBOUR_ID));
            for (Net.Conn c : ends) {
                if (c == null) continue;
                try {
                    c.abort();
                } catch (Throwable ignored) {
                    // it is being torn down
                }
            }
        }, "integrity-aborter-" + x.id);
        aborter.setDaemon(true);
        aborter.start();
    }

    private String dump(Ctx x) {
        List<Thread> all = new ArrayList<>(x.threads);
        Thread h = server.handler(x.id);
        if (h != null) all.add(h);
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("tinygram")) all.add(t);
        }
        StringBuilder sb = new StringBuilder();
        for (Thread t : all) {
            sb.append("    \"").append(t.getName()).append("\" ").append(t.getState()).append('\n');
            StackTraceElement[] st = t.getStackTrace();
            for (int i = 0; i < Math.min(st.length, 24); i++) sb.append("        at ").append(st[i]).append('\n');
        }
        return sb.toString();
    }

    private synchronized void giveUp(String why) {
        failures.add(why);
        StringBuilder sb = new StringBuilder();
        for (Ctx x : active.values()) {
            if (x.expiry != null) sb.append(x.name()).append(": ").append(x.expiry).append('\n');
            else sb.append(x.name()).append(": still running; threads:\n").append(dump(x));
        }
        System.err.println("integrity: giving up: " + why + "\n" + sb);
        failed.incrementAndGet();
        printResult(System.out, true);
        Runtime.getRuntime().halt(1);
    }
}
