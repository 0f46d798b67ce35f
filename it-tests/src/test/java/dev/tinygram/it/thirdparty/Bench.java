package dev.tinygram.it.thirdparty;

import java.util.Arrays;
import java.util.Locale;

/**
 * Tiny shared harness for the third-party stall programs: argument parsing, warmup, timing and the single
 * {@code RESULT client=NAME requests=N p50_ms=X p99_ms=Y} line on stdout. Everything else goes to stderr.
 *
 * <p>Arguments (all optional): {@code --nodelay} (the non-stalling configuration), {@code --requests N} (default 30),
 * {@code --warmup N} (default 10), {@code --size BYTES} (payload per request, default 16384), {@code --host H}
 * (default 127.0.0.1), {@code --port P} (use an already running server instead of starting one).
 */
final class Bench {

    /** One timed request; must throw if the response is wrong. */
    interface Op {
        void run(int i) throws Exception;
    }

    final boolean nodelay;
    final int requests;
    final int warmup;
    final int size;
    final String host;
    /** -1 when no --port was given: the program starts its own server. */
    final int port;

    private Bench(boolean nodelay, int requests, int warmup, int size, String host, int port) {
        this.nodelay = nodelay;
        this.requests = requests;
        this.warmup = warmup;
        this.size = size;
        this.host = host;
        this.port = port;
    }

    static Bench parse(String[] args) {
        boolean nodelay = false;
        int requests = 30, warmup = 10, size = 16384, port = -1;
        String host = "127.0.0.1";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nodelay": nodelay = true; break;
                case "--nagle": nodelay = false; break;
                case "--requests": requests = Integer.parseInt(args[++i]); break;
                case "--warmup": warmup = Integer.parseInt(args[++i]); break;
                case "--size": size = Integer.parseInt(args[++i]); break;
                case "--host": host = args[++i]; break;
                case "--port": port = Integer.parseInt(args[++i]); break;
                default: throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (requests < 1 || warmup < 0 || size < 1) {
            throw new IllegalArgumentException("bad --requests/--warmup/--size");
        }
        return new Bench(nodelay, requests, warmup, size, host, port);
    }

    boolean hasPort() {
        return port > 0;
    }

    /** Deterministic printable ASCII payload that differs per request index. */
    byte[] payload(int i) {
        byte[] b = new byte[size];
        for (int k = 0; k < b.length; k++) {
            b[k] = (byte) ('a' + ((k * 31 + i * 7) % 26));
        }
        return b;
    }

    /** Runs the warmups and the timed requests, then prints the RESULT line. */
    void run(String client, Op op) throws Exception {
        for (int i = 0; i < warmup; i++) {
            op.run(-1 - i);
        }
        long[] nanos = new long[requests];
        for (int i = 0; i < requests; i++) {
            long t0 = System.nanoTime();
            op.run(i);
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        System.out.println(String.format(Locale.ROOT, "RESULT client=%s requests=%d p50_ms=%.2f p99_ms=%.2f",
                client, requests, pct(nanos, 50) / 1e6, pct(nanos, 99) / 1e6));
        System.out.flush();
    }

    /** Nearest-rank percentile of sorted values. */
    static long pct(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("response integrity check failed: " + what);
        }
    }
}
