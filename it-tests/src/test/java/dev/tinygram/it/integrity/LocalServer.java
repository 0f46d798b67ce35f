package dev.tinygram.it.integrity;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The in-process loopback server, a thread per connection, through the same API as the client by default. What it
 * does with a connection is in the connection's header; what it saw (a sink's count and digest, or its own error)
 * completes the connection's {@link Outcome}, which the client side waits for.
 */
final class LocalServer {
    /** What the server side of one connection ended with. */
    record Outcome(long bytes, String sha256, String error, long atNanos) {
        Outcome(long bytes, String sha256, String error) {
            this(bytes, sha256, error, System.nanoTime());
        }
    }

    /** Faults the server injects on purpose, to show the checks catch them. */
    enum Inject {
        NONE, FLIP, DROP, DUP, NORESET;

        static Inject parse(String s) {
            return valueOf(s.toUpperCase(java.util.Locale.ROOT));
        }
    }

    private final Net.Listener listener;
    private final boolean tls;
    private final long seed;
    private final Inject inject;
    private final Map<Integer, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();
    private final Map<Integer, Net.Conn> serverEnds = new ConcurrentHashMap<>();
    private final Map<Integer, Thread> handlers = new ConcurrentHashMap<>();
    private final Map<Integer, CountDownLatch> releases = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private volatile boolean closing;

    LocalServer(Net.Api api, long seed, Inject inject) throws IOException {
        this.listener = Net.listen(api);
        this.tls = api == Net.Api.SSL;
        this.seed = seed;
        this.inject = inject;
        this.acceptor = new Thread(this::acceptLoop, "integrity-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.port();
    }

    CompletableFuture<Outcome> outcome(int connId) {
        return outcomes.computeIfAbsent(connId, k -> new CompletableFuture<>());
    }

    /** Lets a STALL connection's server side read again. */
    void release(int connId) {
        releases.computeIfAbsent(connId, k -> new CountDownLatch(1)).countDown();
    }

    void forget(int connId) {
        release(connId);
        releases.remove(connId);
        outcomes.remove(connId);
        serverEnds.remove(connId);
        handlers.remove(connId);
    }

    /** The server end of a connection, once its header arrived (for the watchdog to abort a hung connection). */
    Net.Conn serverEnd(int connId) {
        return serverEnds.get(connId);
    }

    Thread handler(int connId) {
        return handlers.get(connId);
    }

    void close() throws IOException {
        closing = true;
        listener.close();
    }

    private void acceptLoop() {
        long n = 0;
        while (!closing) {
            Net.Conn c;
            Random r = new Random(Records.mix(seed ^ 0xACCE97L ^ n++));
            try {
                c = listener.accept(r);
            } catch (IOException e) {
                if (!closing) System.err.println("integrity: accept failed: " + e);
                return;
            }
            Thread t = Harness.newThread(() -> handle(c, r), "integrity-server-" + n);
            t.start();
        }
    }

    private void handle(Net.Conn c, Random r) {
        int connId = -1;
        try {
            byte[] h = Wire.readHeader(c);
            connId = Records.getInt(h, 4);
            byte kind = h[8];
            int param = Records.getInt(h, 12);
            serverEnds.put(connId, c);
            if (tls) {   // see Harness.header: the client reads this, and the session tickets before it
                c.write(new byte[] {6}, 0, 1);
                c.flush();
            }
            handlers.put(connId, Thread.currentThread());
            boolean injectHere = inject != Inject.NONE && connId % 10 == 5;
            Outcome o = switch (kind) {
                case Wire.ECHO -> {
                    if (param >> 8 > 0) c.sendBuffer((param >> 8) << 10);
                    yield echo(c, r, Long.MAX_VALUE, injectHere ? inject : Inject.NONE, (param & 1) == 1);
                }
                case Wire.SINK -> sink(c, injectHere && inject == Inject.FLIP);
                case Wire.RESET -> reset(c, param, injectHere && inject == Inject.NORESET);
                case Wire.ECHO_THEN_RESET -> echo(c, r, param, injectHere ? inject : Inject.NONE, true);
                case Wire.STALL -> stall(c, connId);
                case Wire.COUNT -> count(c, connId, param);
                default -> throw new IOException("unknown kind " + kind);
            };
            outcome(connId).complete(o);
        } catch (Throwable e) {
            if (connId >= 0) outcome(connId).complete(new Outcome(-1, null, describe(e)));
            try {
                c.close();
            } catch (IOException ignored) {
                // already reported
            }
        }
    }

    /**
     * Echoes what it reads, in reads of a size drawn per connection and as one or two writes; after {@code limit}
     * bytes (ECHO_THEN_RESET) it resets the connection mid-stream.
     */
    private Outcome echo(Net.Conn c, Random r, long limit, Inject inj, boolean noTinyReads) throws IOException {
        int[] sizes = {1 + r.nextInt(64), 512, 4096, 16384, 65536, 262144};
        // tiny reads (one TLS record per echo write, or a megabyte before a reset) make a connection crawl
        int bufSize = sizes[noTinyReads || tls ? 1 + r.nextInt(sizes.length - 1) : r.nextInt(sizes.length)];
        byte[] buf = new byte[bufSize];
        long echoed = 0;
        long injectAt = inj == Inject.NONE ? -1 : 1000 + r.nextInt(20000);
        while (true) {
            int want = (int) Math.min(buf.length, limit - echoed);
            if (want <= 0) {
                c.abort();
                return new Outcome(echoed, null, null);
            }
            int n = c.read(buf, 0, want);
            if (n < 0) break;
            int from = 0;
            if (injectAt >= 0 && echoed + n > injectAt) {
                int at = (int) (injectAt - echoed);
                injectAt = -1;
                switch (inj) {
                    case FLIP -> buf[at] ^= 0x20;
                    case DROP -> {   // leave out one byte
                        System.arraycopy(buf, at + 1, buf, at, n - at - 1);
                        n--;
                    }
                    case DUP -> c.write(buf, at, 1);   // one byte twice
                    default -> { }
                }
            }
            if (n - from > 1 && r.nextInt(4) == 0) {
                int split = from + 1 + r.nextInt(n - from - 1);
                c.write(buf, from, split - from);
                c.write(buf, split, n - split);
            } else if (n > 0) {
                c.write(buf, from, n);
            }
            if (c.buffered() || r.nextInt(4) == 0) c.flush();
            echoed += n;
        }
        if (r.nextBoolean()) c.shutdownOutput();
        c.close();
        return new Outcome(echoed, null, null);
    }

    private Outcome sink(Net.Conn c, boolean flip) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[65536];
        long total = 0;
        while (true) {
            int n = c.read(buf, 0, buf.length);
            if (n < 0) break;
            if (flip && total + n > 10) {
                buf[(int) Math.max(0, 10 - total)] ^= 1;
                flip = false;
            }
            md.update(buf, 0, n);
            total += n;
        }
        c.close();
        return new Outcome(total, HexFormat.of().formatHex(md.digest()), null);
    }

    private Outcome stall(Net.Conn c, int connId) throws Exception {
        releases.computeIfAbsent(connId, k -> new CountDownLatch(1)).await(60, TimeUnit.SECONDS);
        byte[] buf = new byte[65536];
        long total = 0;
        try {
            for (int n; (n = c.read(buf, 0, buf.length)) >= 0; ) total += n;
        } catch (IOException e) {
            // the client closed or reset its end while we were not reading: expected here
        }
        c.close();
        return new Outcome(total, null, null);
    }

    /** Completes the outcome as soon as {@code n} bytes are in, then drains. */
    private Outcome count(Net.Conn c, int connId, int n) throws IOException {
        byte[] want = new byte[n];
        Wire.readFully(c, want, 0, n);
        MessageDigest md = sha256();
        md.update(want);
        Outcome o = new Outcome(n, HexFormat.of().formatHex(md.digest()), null);
        outcome(connId).complete(o);
        byte[] buf = new byte[4096];
        while (c.read(buf, 0, buf.length) >= 0) {
            // drain
        }
        c.close();
        return o;
    }

    private Outcome reset(Net.Conn c, int after, boolean noReset) throws IOException {
        byte[] buf = new byte[8192];
        long total = 0;
        while (noReset || total < after) {
            int n = c.read(buf, 0, noReset ? buf.length : (int) Math.min(buf.length, after - total));
            if (n < 0) break;
            total += n;
        }
        c.abort();
        return new Outcome(total, null, null);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String describe(Throwable e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
