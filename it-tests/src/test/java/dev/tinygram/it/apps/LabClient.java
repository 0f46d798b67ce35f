package dev.tinygram.it.apps;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The lab's client host: connects to {@link LabPeer}, then sends each request as the given writes and waits for
 * the one-byte answer. Prints {@code RESULT p50_ms=X connect_ms=Y requests=N}: the request latency after a
 * warm-up, and the time the connect took (about one round trip, the peer listening already).
 *
 * <pre>LabClient --connect ADDRESS --port P --writes 100,100 [--requests 30] [--warmup 5] [--nodelay]</pre>
 */
public final class LabClient {
    public static void main(String[] args) throws Exception {
        String address = arg(args, "--connect", null);
        int port = Integer.parseInt(arg(args, "--port", "9000"));
        int[] writes = Arrays.stream(arg(args, "--writes", null).split(",")).mapToInt(Integer::parseInt).toArray();
        int requests = Integer.parseInt(arg(args, "--requests", "30"));
        int warmup = Integer.parseInt(arg(args, "--warmup", "5"));
        boolean nodelay = Arrays.asList(args).contains("--nodelay");
        long started = System.nanoTime();
        try (Socket s = connect(address, port)) {
            long connectNanos = System.nanoTime() - started;
            s.setTcpNoDelay(nodelay);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            List<Double> latencies = new ArrayList<>();
            for (int i = 0; i < warmup + requests; i++) {
                long start = System.nanoTime();
                for (int w : writes) out.write(new byte[w]);
                if (in.read() < 0) throw new IllegalStateException("the peer closed");
                if (i >= warmup) latencies.add((System.nanoTime() - start) / 1e6);
            }
            Collections.sort(latencies);
            System.out.printf(Locale.ROOT, "RESULT p50_ms=%.3f connect_ms=%.3f requests=%d%n",
                    latencies.get(latencies.size() / 2), connectNanos / 1e6, requests);
        }
    }

    /** Connects, retrying for up to 10 s while the peer starts listening (the peer is up before this starts). */
    private static Socket connect(String address, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(address, port), 2_000);
                return s;
            } catch (java.io.IOException e) {
                s.close();
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(50);
            }
        }
    }

    static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) return args[i + 1];
        }
        if (fallback == null) throw new IllegalArgumentException(name + " is required");
        return fallback;
    }
}
