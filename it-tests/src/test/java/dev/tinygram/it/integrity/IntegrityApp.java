package dev.tinygram.it.integrity;

import java.io.IOException;
import java.io.PrintStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Randomized, byte-for-byte integrity check of socket I/O, to run with and without the agent in its fix modes.
 *
 * <pre>
 * IntegrityApp --api socket|channel|ssl --connections N --seed S [--max-write 262144] [--parallel 6]
 *              [--server-api socket|channel|ssl] [--scenarios echo,lockstep,...] [--reset-deadline-ms 10000]
 *              [--run-deadline-ms 110000] [--inject none|flip|drop|dup|noreset] [--threads platform|virtual]
 * IntegrityApp --scenario kill-peer --api socket|channel --port P [--connections 8] [--seed S]
 * </pre>
 *
 * The mixed run starts an in-process loopback server (same API as the client unless --server-api) and cycles the
 * connections through five base scenarios, and after every ten of them two of the extra ones (those marked "alone"
 * only when named with --scenarios):
 * <ol>
 *   <li>{@code echo}: 1..4 writer threads send records (whole, as header/body/crc, in random pieces, or gathered;
 *       from buffers the app overwrites as soon as write returns; now and then through a BufferedOutputStream and
 *       explicit flushes) while a reader thread verifies the echo; then shutdownOutput and read to EOF: every
 *       record of every thread back exactly once, in order, byte for byte.</li>
 *   <li>{@code lockstep}: one thread writes a batch of records then reads exactly their echo, with pauses that let
 *       the agent's flush timer fire; then half-close and an EOF with nothing extra.</li>
 *   <li>{@code close}: small (sometimes large) records, then close at once without reading: the server must count
 *       and digest exactly the bytes written.</li>
 *   <li>{@code reset}: the server reads some bytes then resets; the client writes (and sometimes reads) and must get
 *       an IOException within the reset deadline (10 s).</li>
 *   <li>{@code abort}: like echo, but the server resets mid-stream after a random amount: every writer must get an
 *       IOException (within 10 s of the reset), the reader an IOException or EOF, and what was echoed before must
 *       be an intact prefix.</li>
 *   <li>alone {@code stall-close}: the peer stops reading, a writer blocks; another thread's close() must return
 *       and the writer get an IOException (not for ssl: SSLSocket.close() itself waits for the writer).</li>
 *   <li>extra {@code stall-timeout}: the same, and another thread's read with SO_TIMEOUT must time out.</li>
 *   <li>extra {@code stall-neighbour}: the same, and one small write on a second connection must still reach its
 *       server within 1 s.</li>
 *   <li>extra {@code write-after-shutdown}: a write after shutdownOutput must throw by the next operation (it or
 *       the close), and the server get exactly the bytes before.</li>
 *   <li>alone {@code write-after-close}: a write after close must throw.</li>
 *   <li>extra {@code slow-reader}: echo of megabytes of small records while the reader pauses now and then, so
 *       the pipe fills both ways and must drain again.</li>
 * </ol>
 * A connection that moves no byte for 5 s is hung; the watchdog then dumps its threads, resets both ends, and gives
 * the whole run up if even that does not end it. A line the agent prints starting "tinygram:" (it could not start,
 * or stood down) is a failure too: what runs after it runs without the agent.
 *
 * <p>Prints {@code RESULT app=integrity api=X connections=N ok=K failures=F ...} (with per-scenario counts,
 * {@code nodelay_on} of {@code nodelay_checked} client connections that had TCP_NODELAY on, which the app never
 * sets, and whether the agent's flush timer thread exists); the first failures go to stderr, described by sizes,
 * offsets and sequence numbers, never by payload bytes. Exit status 1 on any failure.
 */
public final class IntegrityApp {
    enum Scenario {
        ECHO("echo"), LOCKSTEP("lockstep"), CLOSE("close"), RESET("reset"), ABORT("abort"),
        STALL_CLOSE("stall-close"), STALL_TIMEOUT("stall-timeout"), STALL_NEIGHBOUR("stall-neighbour"),
        WRITE_AFTER_SHUTDOWN("write-after-shutdown"), WRITE_AFTER_CLOSE("write-after-close"),
        SLOW_READER("slow-reader");

        final String label;

        Scenario(String label) {
            this.label = label;
        }

        static Scenario parse(String s) {
            for (Scenario x : values()) {
                if (x.label.equals(s)) return x;
            }
            throw new IllegalArgumentException("unknown scenario " + s);
        }
    }

    static final Scenario[] BASE = {Scenario.ECHO, Scenario.LOCKSTEP, Scenario.CLOSE, Scenario.RESET, Scenario.ABORT};
    static final Scenario[] EXTRA = {Scenario.STALL_TIMEOUT, Scenario.STALL_NEIGHBOUR, Scenario.WRITE_AFTER_SHUTDOWN,
            Scenario.SLOW_READER};
    /**
     * Not in the default cycle: an application's operation on a socket another thread (or it) has closed. The agent
     * is JVM-wide, so if such an operation made it stand down, every connection after it would run without it;
     * these run on their own (--scenarios stall-close,write-after-close).
     */
    static final Scenario[] CLOSED = {Scenario.STALL_CLOSE, Scenario.WRITE_AFTER_CLOSE};

    /**
     * The scenario of connection {@code i}: the five base ones in turn, and after every ten, two of the extra ones
     * in turn. With a list, that list in turn.
     */
    static Scenario scenarioOf(int i, List<Scenario> only, Net.Api api) {
        if (only != null) return only.get(i % only.size());
        int block = i / 12;
        int pos = i % 12;
        if (pos < 10) return BASE[pos % BASE.length];
        return EXTRA[(block * 2 + pos - 10) % EXTRA.length];
    }

    /** The longest a connection may take even while bytes still move (a hang is 5 s without any: see watch()). */
    static final long HANG_DEADLINE_MS = 60_000;

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
    static final long STUCK_AFTER_ABORT_MS = 8_000;

    private final Net.Api api;
    private final Net.Api serverApi;
    private final int connections;
    private final long seed;
    private final int maxWrite;
    private final int parallel;
    private final long resetDeadlineMs;
    private final long runDeadlineMs;
    private final LocalServer.Inject inject;
    private final LocalServer server;
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
    private final java.util.TreeMap<Long, String> slowest = new java.util.TreeMap<>();
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

        boolean stalls() {
            return scenario.label.startsWith("stall");
        }

        Ctx(int id, Scenario scenario) {
            this.id = id;
            this.connSeed = Records.mix(seed * 1_000_003L + id);
            this.scenario = scenario;
            this.r = new Random(connSeed);
            long budget = scenario == Scenario.RESET ? resetDeadlineMs
                    : stalls() ? HANG_DEADLINE_MS + 20_000 : HANG_DEADLINE_MS;
            this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budget);
        }

        Thread start(String name, Runnable body) {
            Thread t = newThread(body, "integrity-" + id + "-" + name);
            threads.add(t);
            t.start();
            return t;
        }

        String name() {
            return "connection " + id + " (" + scenario.label + ", " + api.label() + " client"
                    + (conn != null ? " " + conn.how() : "") + ", server " + serverApi.label()
                    + (detail.isEmpty() ? "" : ", " + detail) + ")";
        }
    }

    IntegrityApp(Net.Api api, Net.Api serverApi, int connections, long seed, int maxWrite, int parallel,
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
        this.inject = inject;
        this.server = new LocalServer(serverApi, seed, inject);
        for (Scenario s : Scenario.values()) okBy.put(s, new AtomicInteger());
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = parseArgs(args);
        Net.Api api = Net.Api.parse(a.getOrDefault("api", "socket"));
        virtualThreads = "virtual".equals(a.getOrDefault("threads", "platform"));
        long seed = Long.parseLong(a.getOrDefault("seed", "1"));
        if ("kill-peer".equals(a.get("scenario"))) {
            int code = KillPeerClient.run(api, Integer.parseInt(a.get("port")),
                    Integer.parseInt(a.getOrDefault("connections", "8")), seed,
                    Integer.parseInt(a.getOrDefault("max-write", "262144")));
            System.exit(code);
        }
        if (a.containsKey("scenario") && !"mixed".equals(a.get("scenario"))) {
            throw new IllegalArgumentException("--scenario mixed|kill-peer");
        }
        IntegrityApp app = new IntegrityApp(api, Net.Api.parse(a.getOrDefault("server-api", api.label())),
                Integer.parseInt(a.getOrDefault("connections", "100")), seed,
                Integer.parseInt(a.getOrDefault("max-write", "262144")),
                Integer.parseInt(a.getOrDefault("parallel", "6")),
                Long.parseLong(a.getOrDefault("reset-deadline-ms", "10000")),
                LocalServer.Inject.parse(a.getOrDefault("inject", "none")),
                a.containsKey("scenarios") ? java.util.Arrays.stream(a.get("scenarios").split(","))
                        .map(Scenario::parse).toList() : null,
                Long.parseLong(a.getOrDefault("run-deadline-ms", "110000")));
        System.exit(app.run());
    }

    static Map<String, String> parseArgs(String[] args) {
        Map<String, String> a = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --key value pairs, got " + List.of(args));
            }
            a.put(args[i].substring(2), args[++i]);
        }
        return a;
    }

    int run() throws Exception {
        watchAgentLines();
        Thread watchdog = new Thread(this::watch, "integrity-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> newThread(r, "integrity-conn"));
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            int id = i;
            done.add(pool.submit(() -> runOne(new Ctx(id, scenarioOf(id, only, api)))));
        }
        for (Future<?> f : done) f.get();
        pool.shutdown();
        server.close();
        printResult(System.out, false);
        return failed.get() == 0 ? 0 : 1;
    }

    private void printResult(PrintStream out, boolean stuck) {
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        StringBuilder by = new StringBuilder();
        for (Scenario s : Scenario.values()) by.append(' ').append(s.label).append('=').append(okBy.get(s).get());
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
            failure = switch (x.scenario) {
                case ECHO -> echo(x, false);
                case SLOW_READER -> echo(x, true);
                case LOCKSTEP -> lockstep(x);
                case CLOSE -> closeWithPending(x);
                case RESET -> peerReset(x);
                case ABORT -> peerAbort(x);
                case STALL_CLOSE -> stall(x, true);
                case STALL_TIMEOUT -> stall(x, false);
                case STALL_NEIGHBOUR -> stallNeighbour(x);
                case WRITE_AFTER_SHUTDOWN -> writeAfterShutdown(x);
                case WRITE_AFTER_CLOSE -> writeAfterClose(x);
            };
        } catch (Throwable t) {
            failure = "unexpected " + LocalServer.describe(t) + at(t);
        } finally {
            x.threads.remove(Thread.currentThread());
        }
        if (x.expired) failure = x.expiry + (failure == null ? "" : "; then: " + failure);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - x.startedNanos);
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

    private static String at(Throwable t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith(IntegrityApp.class.getPackageName())) return " at " + e;
        }
        return "";
    }

    private void sawException(Scenario s, Throwable e) {
        exceptions.computeIfAbsent(s.label + ": " + LocalServer.describe(e), k -> new LongAdder()).increment();
    }

    static final int NEIGHBOUR_ID = 1 << 30;

    private Net.Conn open(Ctx x, byte kind, int param) throws IOException {
        return open(x, kind, param, 0);
    }

    private Net.Conn open(Ctx x, byte kind, int param, int buffers) throws IOException {
        Net.Conn c = new Counting(Net.connect(api, server.port(), x.r, buffers), x.progress);
        x.conn = c;
        header(x, c, x.id, kind, param);
        return c;
    }

    /** Writes the header (whole or in two pieces), then notes whether TCP_NODELAY is on, which the app never sets. */
    private void header(Ctx x, Net.Conn c, int id, byte kind, int param) throws IOException {
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

    // ---- scenario a: writer threads, a reader thread, half-close, EOF ------------------------------------------

    /**
     * Scenario a. {@code slow}: the extra {@code slow-reader}, one or two writers of only small records (below one
     * MSS: under mode=coalesce every one is buffered), about a megabyte of them, while the reader stops now and
     * then for 20..100 ms and once for 1 s, as an application busy with what it read (mostly with 16..64 KB socket
     * buffers at both ends): the pipe fills up both ways, and must drain again when the reader comes back.
     */
    private String echo(Ctx x, boolean slow) throws Exception {
        int threads = slow ? 1 + x.r.nextInt(2) : 1 + x.r.nextInt(4);
        int max = slow ? Math.min(maxWrite, 4000) : maxWrite;
        long[] count = new long[threads];
        for (int t = 0; t < threads; t++) {
            count[t] = slow ? 300 + x.r.nextInt(300) : 1 + x.r.nextInt(x.r.nextInt(4) == 0 ? 80 : 20);
        }
        x.detail = threads + " writers, " + java.util.Arrays.toString(count) + " records"
                + (slow ? " of up to " + max + " B, the reader pausing 20..100 ms every 64..256 KB and once 1 s" : "");
        int buffers = slow && x.r.nextInt(4) != 0 ? 16384 << x.r.nextInt(3) : 0;   // 16..64 KB, as apps set them
        if (buffers > 0) x.detail += ", SO_SNDBUF = SO_RCVBUF = " + buffers + " at both ends";
        Net.Conn c = open(x, Wire.ECHO, slow ? 1 | (buffers >> 10) << 8 : 0, buffers);
        Records.Verifier v = new Records.Verifier(x.connSeed, threads, max, false);
        AtomicReference<String> readerEnd = new AtomicReference<>();
        long readerSeed = x.r.nextLong();
        Thread reader = x.start("reader", () -> readerEnd.set(readToEof(c, v, new Random(readerSeed), x, slow)));
        List<Thread> writers = new ArrayList<>();
        List<String> writerErrors = new CopyOnWriteArrayList<>();
        Object writeLock = new Object();
        long[] sent = new long[threads];
        for (int t = 0; t < threads; t++) {
            int tid = t;
            Random wr = new Random(x.r.nextLong());
            writers.add(x.start("writer" + t, () -> {
                try {
                    for (long seq = 0; seq < count[tid]; seq++) {
                        byte[] rec = Records.build(x.connSeed, tid, seq,
                                Records.payloadSize(x.connSeed, tid, seq, max, false));
                        synchronized (writeLock) {
                            writeRecord(c, rec, wr);
                        }
                        sent[tid] = seq + 1;
                        if (!slow) maybePause(wr);
                    }
                } catch (Throwable e) {
                    sawException(x.scenario, e);
                    writerErrors.add("writer " + tid + " after " + sent[tid] + " of " + count[tid] + " records: "
                            + LocalServer.describe(e) + at(e));
                }
            }));
        }
        for (Thread w : writers) w.join();
        if (!writerErrors.isEmpty()) {
            c.abort();
            reader.join();
            return "unexpected exception writing: " + writerErrors + firstReadFailure(v);
        }
        try {
            c.shutdownOutput();
        } catch (IOException e) {
            sawException(x.scenario, e);
            c.abort();
            reader.join();
            return "shutdownOutput threw " + LocalServer.describe(e) + firstReadFailure(v);
        }
        reader.join();
        recordsVerified.add(v.records());
        bytesVerified.add(v.bytes());
        if (readerEnd.get() != null) return readerEnd.get();
        String incomplete = v.checkComplete(count);
        if (incomplete != null) return incomplete;
        try {
            c.close();
        } catch (IOException e) {
            sawException(x.scenario, e);
            return "close threw " + LocalServer.describe(e);
        }
        return serverError(x);
    }

    private static String firstReadFailure(Records.Verifier v) {
        return v.failure() == null ? "" : "; the reader had found: " + v.failure();
    }

    /**
     * Reads, in random sizes, until EOF (or until {@code limit} bytes when limit >= 0). Returns null, or what went
     * wrong. After a verification failure it keeps draining (without checking) so the writers are not stuck.
     */
    private String readToEof(Net.Conn c, Records.Verifier v, Random r, Ctx x, boolean slow) {
        byte[] buf = new byte[300_000];
        long got = 0;
        long pauseAt = (64 << 10) + r.nextInt(192 << 10);
        long longPauseAt = slow ? r.nextInt(256 << 10) : Long.MAX_VALUE;
        try {
            while (true) {
                int n = c.read(buf, 0, pickReadSize(r));
                if (n < 0) return v.failure();
                if (n == 0) return "read returned 0 on a blocking connection";
                got += n;
                v.feed(buf, 0, n);
                if (got >= longPauseAt) {   // once: a reader busy for a while (a GC, a disk, a lock)
                    Thread.sleep(1000);
                    longPauseAt = Long.MAX_VALUE;
                } else if (slow && got >= pauseAt) {
                    Thread.sleep(20 + r.nextInt(80));
                    pauseAt = got + (64 << 10) + r.nextInt(192 << 10);
                } else if (r.nextInt(50) == 0) {
                    maybePause(r);
                }
            }
        } catch (Throwable e) {
            sawException(x.scenario, e);
            return "unexpected exception reading after " + v.bytes() + " B: " + LocalServer.describe(e) + at(e)
                    + firstReadFailure(v);
        }
    }

    private static int pickReadSize(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> 1 + r.nextInt(16);
            case 1 -> 1 + r.nextInt(512);
            case 2 -> 1 + r.nextInt(8192);
            case 3 -> 65536;
            case 4 -> 1 + r.nextInt(300_000);
            default -> 16 + r.nextInt(4096);
        };
    }

    /** A record as one write, as header, payload and CRC, in 2..6 random pieces, or as one gathering write. */
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
            java.util.Arrays.sort(cuts);
            for (int i = 0; i < pieces; i++) {
                if (cuts[i + 1] > cuts[i]) put(c, rec, cuts[i], cuts[i + 1] - cuts[i], r);
                if (r.nextInt(40) == 0) maybePause(r);
            }
        } else {
            byte[] copy = rec.clone();
            c.writeGather(new byte[][] {copy, copy, copy}, new int[] {0, Records.HEADER, Records.HEADER + plen},
                    new int[] {Records.HEADER, plen, Records.TRAILER});
            java.util.Arrays.fill(copy, (byte) 0x5A);   // the app reuses its buffers as soon as write returns
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
        java.util.Arrays.fill(scratch, at, at + len, (byte) 0xA5);
    }

    /** Now and then a pause: a yield, or up to 2 ms, around the agent's default flush delay of 1 ms. */
    static void maybePause(Random r) {
        int p = r.nextInt(100);
        if (p < 3) LockSupport.parkNanos(r.nextInt(2_000_000));
        else if (p < 10) Thread.yield();
    }

    // ---- scenario a': one thread, write a batch, read exactly its echo -----------------------------------------

    private String lockstep(Ctx x) throws Exception {
        int max = Math.min(maxWrite, 70_000);
        int rounds = 1 + x.r.nextInt(8);
        x.detail = rounds + " rounds";
        Net.Conn c = open(x, Wire.ECHO, 0);
        Records.Verifier v = new Records.Verifier(x.connSeed, 1, max, false);
        byte[] buf = new byte[100_000];
        long seq = 0;
        try {
            for (int round = 0; round < rounds; round++) {
                int k = 1 + x.r.nextInt(8);
                long batch = 0;
                for (int i = 0; i < k; i++) {
                    int size = Records.payloadSize(x.connSeed, 0, seq, max, false) + Records.OVERHEAD;
                    if (batch > 0 && batch + size > 80_000) break;
                    writeRecord(c, Records.build(x.connSeed, 0, seq, size - Records.OVERHEAD), x.r);
                    batch += size;
                    seq++;
                    if (x.r.nextInt(20) == 0) LockSupport.parkNanos(x.r.nextInt(3_000_000));
                }
                if (x.r.nextInt(10) == 0) LockSupport.parkNanos(x.r.nextInt(3_000_000));   // nobody reads yet
                long got = 0;
                while (got < batch) {
                    int n = c.read(buf, 0, (int) Math.min(pickReadSize(x.r), Math.min(buf.length, batch - got)));
                    if (n < 0) return "EOF after " + got + " of the " + batch + " B echo of round " + round;
                    got += n;
                    v.feed(buf, 0, n);
                }
                if (v.failure() != null) return v.failure();
                if (v.received(0) != seq || v.partial() != 0) {
                    return "round " + round + ": " + v.received(0) + " of " + seq + " records back, " + v.partial()
                            + " B of a partial record";
                }
            }
        } catch (IOException e) {
            sawException(x.scenario, e);
            return "unexpected " + LocalServer.describe(e) + at(e) + " after " + v.records() + " of " + seq
                    + " records" + firstReadFailure(v);
        } finally {
            recordsVerified.add(v.records());
            bytesVerified.add(v.bytes());
        }
        try {
            if (x.r.nextInt(10) < 7) {
                c.shutdownOutput();
                int n = c.read(buf, 0, buf.length);
                if (n >= 0) return n + " B more after the last echo, where EOF was due";
            }
            c.close();
        } catch (IOException e) {
            sawException(x.scenario, e);
            return "unexpected " + LocalServer.describe(e) + at(e) + " at the end";
        }
        return serverError(x);
    }

    // ---- scenario b: write, close at once, the server must get every byte ------------------------------------

    private String closeWithPending(Ctx x) throws Exception {
        int n = 1 + x.r.nextInt(64);
        boolean smallOnly = x.r.nextInt(3) != 0;
        int variant = x.r.nextInt(10);
        String how = variant < 6 ? "close at once" : variant < 8 ? "shutdownOutput, close" : "pause, close";
        x.detail = n + " records" + (smallOnly ? " (small)" : " (mixed sizes)") + ", " + how;
        Net.Conn c = open(x, Wire.SINK, 0);
        MessageDigest md = LocalServer.sha256();
        long bytes = 0;
        try {
            for (int seq = 0; seq < n; seq++) {
                byte[] rec = Records.build(x.connSeed, 0, seq,
                        Records.payloadSize(x.connSeed, 0, seq, Math.min(maxWrite, 70_000), smallOnly));
                md.update(rec);
                writeRecord(c, rec, x.r);
                bytes += rec.length;
            }
            if (variant >= 6 && variant < 8) c.shutdownOutput();
            if (variant >= 8) LockSupport.parkNanos(x.r.nextInt(2_000_000));
            c.close();
        } catch (IOException e) {
            sawException(x.scenario, e);
            return "unexpected " + LocalServer.describe(e) + at(e) + " after " + bytes + " B";
        }
        LocalServer.Outcome o;
        try {
            o = server.outcome(x.id).get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return "the server did not reach EOF within 10 s of the close (" + bytes + " B written)";
        }
        if (o.error() != null) return "server: " + o.error();
        String digest = HexFormat.of().formatHex(md.digest());
        if (o.bytes() != bytes || !digest.equals(o.sha256())) {
            return "the server received " + o.bytes() + " B sha256 " + o.sha256() + ", the client wrote " + bytes
                    + " B sha256 " + digest;
        }
        bytesVerified.add(bytes);
        recordsVerified.add(n);
        return null;
    }

    // ---- scenario c: the server resets; the client must get an IOException ------------------------------------

    private String peerReset(Ctx x) throws Exception {
        int after = x.r.nextInt(4) == 0 ? 0 : x.r.nextInt(16384);
        int readMode = x.r.nextInt(3);
        x.detail = "server resets after " + after + " B, client "
                + (readMode == 0 ? "only writes" : readMode == 1 ? "writes, sometimes reads" : "writes then reads");
        Net.Conn c = open(x, Wire.RESET, after);
        byte[] buf = new byte[4096];
        long written = 0;
        int eofs = 0;
        int records = 0;
        try {
            for (long seq = 0; ; seq++) {
                byte[] rec = Records.build(x.connSeed, 0, seq,
                        Records.payloadSize(x.connSeed, 0, seq, 4096, x.r.nextInt(4) != 0));
                writeRecord(c, rec, x.r);
                written += rec.length;
                records++;
                boolean read = written >= after && (readMode == 2 || (readMode == 1 && x.r.nextInt(5) == 0));
                if (read && c.read(buf, 0, buf.length) < 0) eofs++;
                if (x.expired) {
                    return "no IOException: the client wrote " + written + " B in " + records + " records, reads saw "
                            + eofs + " EOFs";
                }
            }
        } catch (IOException e) {
            if (x.expired) return null;   // the watchdog's own abort, reported as the expiry
            sawException(x.scenario, e);
            return serverError(x);
        }
    }

    // ---- scenario d: the server resets mid-stream while writers and a reader run ------------------------------

    private String peerAbort(Ctx x) throws Exception {
        int threads = 1 + x.r.nextInt(3);
        int after = x.r.nextInt(8) == 0 ? x.r.nextInt(64) : x.r.nextInt(api == Net.Api.SSL ? 1 << 18 : 1 << 20);
        x.detail = threads + " writers, server resets after echoing " + after + " B";
        Net.Conn c = open(x, Wire.ECHO_THEN_RESET, after);
        Records.Verifier v = new Records.Verifier(x.connSeed, threads, maxWrite, false);
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
                sawException(x.scenario, e);
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
                                Records.payloadSize(x.connSeed, tid, seq, maxWrite, false));
                        synchronized (writeLock) {
                            writeRecord(c, rec, wr);
                        }
                        maybePause(wr);
                    }
                    writerFailures.add("writer " + tid + " wrote " + seq + " records and never got an IOException");
                } catch (IOException e) {
                    sawException(x.scenario, e);
                    ioes.incrementAndGet();
                    lastIoe.accumulateAndGet(System.nanoTime(), Math::max);
                lastIoe.accumulateAndGet(System.nanoTime(), Math::max);
                } catch (Throwable e) {
                    writerFailures.add("writer " + tid + ": unexpected " + LocalServer.describe(e) + at(e));
                }
            }));
        }
        for (Thread w : writers) w.join();
        reader.join();
        recordsVerified.add(v.records());
        bytesVerified.add(v.bytes());
        if (x.expired) return writerFailures.isEmpty() ? null : writerFailures.toString();
        if (v.failure() != null) return "the echo before the reset is not an intact prefix: " + v.failure();
        if (v.bytes() > after) return "got " + v.bytes() + " B back, the server echoed only " + after;
        if (!writerFailures.isEmpty()) return writerFailures.toString();
        if (readerEnd.get() != null) return readerEnd.get();
        if (ioes.get() == 0) return "no IOException reached the application";
        LocalServer.Outcome o = server.outcome(x.id).get(10, TimeUnit.SECONDS);
        long late = TimeUnit.NANOSECONDS.toMillis(lastIoe.get() - o.atNanos());
        if (o.error() == null && late > resetDeadlineMs) {
            return "the last application thread got its IOException " + late + " ms after the server's reset";
        }
        return null;
    }

    // ---- extra: a peer that stops reading -------------------------------------------------------------------

    /** A writer of small records on {@code c}, until an IOException or {@code stop}. */
    private static final class Writer {
        final AtomicLong writes = new AtomicLong();
        final AtomicReference<Throwable> end = new AtomicReference<>();
        final CountDownLatch done = new CountDownLatch(1);
        volatile boolean stop;

        Writer(Ctx x, Net.Conn c) {
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

        /** Waits until no write has returned for 150 ms; returns why not, or null. */
        String awaitBlocked() throws InterruptedException {
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

    /**
     * The peer stops reading, so a writer of small records ends up blocked. Then, as applications do to give up on
     * a stuck peer, another thread either closes the socket (close must return at once, and the writer get an
     * IOException) or reads with SO_TIMEOUT (the read must time out).
     */
    private String stall(Ctx x, boolean viaClose) throws Exception {
        x.detail = viaClose ? "peer stops reading; another thread closes the socket while a writer is blocked"
                : "peer stops reading; while a writer is blocked another thread reads with SO_TIMEOUT 300 ms";
        Net.Conn c = open(x, Wire.STALL, 0);
        Writer w = new Writer(x, c);
        String notBlocked = w.awaitBlocked();
        if (notBlocked != null) {
            w.stop = true;
            server.release(x.id);
            return notBlocked;
        }
        String failure = null;
        long t0 = System.nanoTime();
        if (viaClose) {
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
                sawException(x.scenario, w.end.get());
            }
            long released = System.nanoTime();
            server.release(x.id);
            if (!closed.await(10, TimeUnit.SECONDS) || !w.done.await(10, TimeUnit.SECONDS)) {
                return (failure == null ? "" : failure + "; ") + "still blocked 10 s after the peer read again";
            }
            if (failure != null) {
                failure += "; close returned " + ms(System.nanoTime() - released) + " ms after the peer read again"
                        + ", the writer ended with " + LocalServer.describe(w.end.get());
            }
            return failure;
        }
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
        } else if (!(readEnd.get() instanceof java.net.SocketTimeoutException)) {
            failure = "the read with SO_TIMEOUT 300 ms ended with " + what(readEnd.get())
                    + ", not a SocketTimeoutException";
        } else {
            sawException(x.scenario, (Throwable) readEnd.get());
        }
        long released = System.nanoTime();
        server.release(x.id);
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

    /**
     * One connection's peer stops reading and its writer blocks; meanwhile a small write on a second connection,
     * which nobody reads after, must still reach its server within 1 s: one stuck peer must not hold up the rest.
     */
    private String stallNeighbour(Ctx x) throws Exception {
        x.detail = "peer of connection A stops reading, A's writer blocks; B writes one small record and waits";
        Net.Conn a = open(x, Wire.STALL, 0);
        Writer w = new Writer(x, a);
        String notBlocked = w.awaitBlocked();
        if (notBlocked != null) {
            w.stop = true;
            server.release(x.id);
            return notBlocked;
        }
        Net.Conn b = new Counting(Net.connect(api, server.port(), x.r), x.progress);
        x.others.add(b);
        byte[] rec = Records.build(x.connSeed, 7, 0, 1 + x.r.nextInt(200));
        header(x, b, x.id + NEIGHBOUR_ID, Wire.COUNT, rec.length);
        writeRecord(b, rec, x.r);
        long wrote = System.nanoTime();
        String failure = null;
        LocalServer.Outcome o = null;
        try {
            o = server.outcome(x.id + NEIGHBOUR_ID).get(1, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            failure = "a " + (16 + rec.length) + " B write on connection B did not reach its server within 1 s"
                    + " while connection A's writer was blocked";
        }
        server.release(x.id);
        if (o == null) {
            try {
                o = server.outcome(x.id + NEIGHBOUR_ID).get(10, TimeUnit.SECONDS);
                failure += " (it arrived " + ms(System.nanoTime() - wrote) + " ms after the write, once A's peer"
                        + " read again)";
            } catch (TimeoutException e) {
                failure += " (nor within 10 s, after A's peer read again)";
            }
        }
        w.stop = true;
        if (!w.done.await(10, TimeUnit.SECONDS)) {
            return (failure == null ? "" : failure + "; ") + "A's writer still blocked 10 s after its peer read again";
        }
        if (failure != null) return failure;
        if (o.error() != null) return "server B: " + o.error();
        String digest = HexFormat.of().formatHex(LocalServer.sha256().digest(rec));
        if (!digest.equals(o.sha256())) return "server B received other bytes than the record written";
        if (w.end.get() != null) return "A's writer failed: " + what(w.end.get());
        return null;
    }

    // ---- extra: a write after shutdownOutput --------------------------------------------------------------------

    /**
     * Records, shutdownOutput, then one more small write: the JDK throws at that write (EPIPE). Required: an
     * IOException reaches the application by its next operation (the write, else the close), and the server got
     * exactly the bytes before the shutdown. Where it was thrown is counted.
     */
    private String writeAfterShutdown(Ctx x) throws Exception {
        int n = x.r.nextInt(8);
        x.detail = n + " records, shutdownOutput, one more small write, close";
        Net.Conn c = open(x, Wire.SINK, 0);
        MessageDigest md = LocalServer.sha256();
        long bytes = 0;
        for (int seq = 0; seq < n; seq++) {
            byte[] rec = Records.build(x.connSeed, 0, seq, Records.payloadSize(x.connSeed, 0, seq, 4096, true));
            md.update(rec);
            writeRecord(c, rec, x.r);
            bytes += rec.length;
        }
        c.shutdownOutput();
        byte[] late = Records.build(x.connSeed, 0, n, 1 + x.r.nextInt(100));
        String where = null;
        try {
            writeRecord(c, late, x.r);
        } catch (IOException e) {
            where = "write";
            sawException(x.scenario, e);
            exceptions.computeIfAbsent(x.scenario.label + ": thrown at the write itself", k -> new LongAdder())
                    .increment();
        }
        if (where == null && x.r.nextBoolean()) LockSupport.parkNanos(3_000_000);   // a timed flush, if any
        try {
            c.close();
        } catch (IOException e) {
            if (where == null) {
                where = "close";
                sawException(x.scenario, e);
                exceptions.computeIfAbsent(x.scenario.label + ": thrown only at the close after it",
                        k -> new LongAdder()).increment();
            }
        }
        LocalServer.Outcome o;
        try {
            o = server.outcome(x.id).get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return "the server did not reach EOF within 10 s";
        }
        if (o.error() != null) return "server: " + o.error();
        String digest = HexFormat.of().formatHex(md.digest());
        if (o.bytes() != bytes || !digest.equals(o.sha256())) {
            return "the server received " + o.bytes() + " B sha256 " + o.sha256() + ", the client wrote " + bytes
                    + " B before shutdownOutput, sha256 " + digest;
        }
        if (where == null) {
            return "a " + late.length + " B write after shutdownOutput returned normally, and neither it nor the"
                    + " close after it threw: the bytes were dropped silently";
        }
        return null;
    }

    // ---- extra: a write after close ---------------------------------------------------------------------------

    /** Records, close, one more write: the JDK throws (socket closed); the server got exactly what came before. */
    private String writeAfterClose(Ctx x) throws Exception {
        int n = x.r.nextInt(8);
        x.detail = n + " records, close, one more small write";
        Net.Conn c = open(x, Wire.SINK, 0);
        MessageDigest md = LocalServer.sha256();
        long bytes = 0;
        for (int seq = 0; seq < n; seq++) {
            byte[] rec = Records.build(x.connSeed, 0, seq, Records.payloadSize(x.connSeed, 0, seq, 4096, true));
            md.update(rec);
            writeRecord(c, rec, x.r);
            bytes += rec.length;
        }
        c.close();
        byte[] late = Records.build(x.connSeed, 0, n, 1 + x.r.nextInt(100));
        String failure = null;
        try {
            c.write(late, 0, late.length);
            c.flush();
            failure = "a " + late.length + " B write after close() returned normally";
        } catch (IOException e) {
            sawException(x.scenario, e);
        }
        LocalServer.Outcome o;
        try {
            o = server.outcome(x.id).get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return "the server did not reach EOF within 10 s";
        }
        if (o.error() != null) return "server: " + o.error();
        String digest = HexFormat.of().formatHex(md.digest());
        if (o.bytes() != bytes || !digest.equals(o.sha256())) {
            return "the server received " + o.bytes() + " B sha256 " + o.sha256() + ", the client wrote " + bytes
                    + " B before close, sha256 " + digest;
        }
        return failure;
    }

    // ---- the agent's own error lines ---------------------------------------------------------------------------

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

    private static String what(Object o) {
        return o instanceof Throwable ? LocalServer.describe((Throwable) o) : "the value " + o;
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private String serverError(Ctx x) throws Exception {
        LocalServer.Outcome o;
        try {
            o = server.outcome(x.id).get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return "the server side did not finish within 10 s";
        }
        return o.error() == null || x.scenario == Scenario.RESET || x.scenario == Scenario.ABORT ? null
                : "server: " + o.error();
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
            progress.addAndGet(java.util.Arrays.stream(lens).sum());
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

        public void buffers(int bytes) throws IOException {
            c.buffers(bytes);
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
    }

    // ---- the watchdog -----------------------------------------------------------------------------------------

    static final long NO_PROGRESS_MS = 5_000;

    private void watch() {
        while (true) {
            LockSupport.parkNanos(50_000_000);
            long now = System.nanoTime();
            if (TimeUnit.NANOSECONDS.toMillis(now - started) > runDeadlineMs) {
                giveUp("the whole run took more than " + runDeadlineMs + " ms");
            }
            for (Ctx x : active.values()) {
                long p = x.progress.get();
                if (p != x.progressSeen) {
                    x.progressSeen = p;
                    x.progressSeenAt = now;
                }
                if (!x.expired && !x.stalls() && x.scenario != Scenario.RESET
                        && now - x.progressSeenAt > NO_PROGRESS_MS * 1_000_000L) {
                    expire(x, now, "hung: not a byte read or written for " + NO_PROGRESS_MS + " ms");
                }
                if (!x.expired && now > x.deadlineNanos) expire(x, now, null);
                if (x.expired && now - x.expiredAtNanos > TimeUnit.MILLISECONDS.toNanos(STUCK_AFTER_ABORT_MS)) {
                    giveUp(x.name() + " is stuck: even an abortive close did not end it within "
                            + STUCK_AFTER_ABORT_MS + " ms");
                }
            }
        }
    }

    private void expire(Ctx x, long now, String why) {
        if (why == null) {
            why = x.scenario == Scenario.RESET ? "no IOException within " + resetDeadlineMs + " ms of the start"
                    : "not done within " + TimeUnit.NANOSECONDS.toMillis(x.deadlineNanos - x.startedNanos) + " ms";
        }
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
