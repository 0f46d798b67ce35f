package dev.tinygram.it.integrity;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The peer the kill-peer test kills: a plain-Socket server in its own JVM (run without the agent). Prints
 * {@code PORT n}, then for each connection reads the {@link Wire} header and echoes ({@link Wire#ECHO}) or discards
 * everything after it, until it is killed. It exits by itself after {@code --lifetime-ms} (default 120 s) so a
 * failed test cannot leave it behind.
 */
public final class PeerServer {
    private PeerServer() {}

    public static void main(String[] args) throws Exception {
        long lifetime = Long.parseLong(IntegrityApp.parseArgs(args).getOrDefault("lifetime-ms", "120000"));
        Thread reaper = new Thread(() -> {
            try {
                Thread.sleep(lifetime);
            } catch (InterruptedException ignored) {
                // exit anyway
            }
            Runtime.getRuntime().halt(3);
        }, "peer-reaper");
        reaper.setDaemon(true);
        reaper.start();
        try (ServerSocket ss = new ServerSocket(0, 64, InetAddress.getLoopbackAddress())) {
            System.out.println("PORT " + ss.getLocalPort());
            System.out.flush();
            while (true) {
                Socket s = ss.accept();
                Thread t = new Thread(() -> serve(s), "peer-" + s.getPort());
                t.setDaemon(true);
                t.start();
            }
        }
    }

    private static void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] h = in.readNBytes(Wire.HEADER);
            if (h.length < Wire.HEADER || Records.getInt(h, 0) != Wire.MAGIC) return;
            boolean echo = h[8] == Wire.ECHO;
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (echo) out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // the client went away
        }
    }
}
