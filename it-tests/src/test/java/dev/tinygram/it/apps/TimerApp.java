package dev.tinygram.it.apps;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One open connection that writes a small message every 250 ms through the socket's own stream, and never reads
 * or flushes: under mode=coalesce only the flush timer sends it, maxDelay after the write. The peer measures how
 * long each message took to arrive; every second prints {@code SECOND n p50_ms=X} of that delay.
 *
 * <pre>TimerApp [--duration SECONDS (default 12)]</pre>
 */
public final class TimerApp {
    public static void main(String[] args) throws Exception {
        int seconds = args.length == 2 && args[0].equals("--duration") ? Integer.parseInt(args[1]) : 12;
        BlockingQueue<Long> written = new ArrayBlockingQueue<>(64);
        List<Double> delays = Collections.synchronizedList(new ArrayList<>());
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread peer = new Thread(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] message = new byte[3];
                    while (true) {
                        for (int n = 0; n < 3; ) {
                            int r = in.read(message, n, 3 - n);
                            if (r < 0) return;
                            n += r;
                        }
                        Long at = written.poll(5, TimeUnit.SECONDS);
                        if (at != null) delays.add((System.nanoTime() - at) / 1e6);
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }, "timer-app-peer");
            peer.setDaemon(true);
            peer.start();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                OutputStream out = client.getOutputStream();
                long start = System.nanoTime();
                for (int second = 1; second <= seconds; second++) {
                    long end = start + TimeUnit.SECONDS.toNanos(second);
                    while (System.nanoTime() < end) {
                        written.add(System.nanoTime());
                        out.write(new byte[] {1, 2, 3});
                        Thread.sleep(250);
                    }
                    System.out.printf(java.util.Locale.ROOT, "SECOND %d p50_ms=%.2f%n", second, p50(delays));
                    System.out.flush();
                }
            }
        }
    }

    private static double p50(List<Double> delays) {
        synchronized (delays) {
            if (delays.isEmpty()) return -1;
            List<Double> sorted = new ArrayList<>(delays);
            delays.clear();
            Collections.sort(sorted);
            return sorted.get(sorted.size() / 2);
        }
    }
}
