package dev.tinygram.it.apps;

import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes a small message through a BufferedOutputStream, flushes it explicitly, and does not read: prints how
 * long the peer took to receive it. Under mode=coalesce with a long maxDelay, only the explicit flush can send it
 * at once. With {@code --no-flush} it writes straight to the socket's stream and never flushes: only maxDelay
 * sends it.
 */
public final class FlushApp {
    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            BlockingQueue<Long> received = new ArrayBlockingQueue<>(1);
            Thread peer = new Thread(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] message = new byte[3];
                    for (int n = 0; n < 3; ) n += in.read(message, n, 3 - n);
                    received.add(System.nanoTime());
                    in.read();
                } catch (Exception e) {
                    e.printStackTrace();
                }
            });
            peer.start();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                boolean flush = args.length == 0 || !args[0].equals("--no-flush");
                OutputStream out = flush ? new BufferedOutputStream(client.getOutputStream()) : client.getOutputStream();
                out.write(new byte[] {1, 2, 3});
                long flushed = System.nanoTime();
                if (flush) out.flush();
                Long at = received.poll(10, TimeUnit.SECONDS);
                System.out.println("RESULT app=flush received=" + (at != null) + " after_ms="
                        + (at == null ? -1 : TimeUnit.NANOSECONDS.toMillis(at - flushed)));
            }
            peer.join(5_000);
        }
    }
}
