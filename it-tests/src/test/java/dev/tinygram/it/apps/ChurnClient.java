package dev.tinygram.it.apps;

import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A client that opens a new connection for every few exchanges, as FTP's data connections and churning pools do,
 * all from the same call site: each exchange is two writes of 100 B to a {@link LabPeer}, which answers one byte.
 * Prints {@code RESULT p50_ms=X first_p50_ms=Y connections=C}: X over the connections after the first two, Y over
 * the first.
 *
 * <pre>ChurnClient --port P [--connections 6] [--exchanges 6]</pre>
 */
public final class ChurnClient {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(LabClient.arg(args, "--port", null));
        int connections = Integer.parseInt(LabClient.arg(args, "--connections", "6"));
        int exchanges = Integer.parseInt(LabClient.arg(args, "--exchanges", "6"));
        List<Double> first = new ArrayList<>();
        List<Double> later = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            try (Socket s = LabClient.connect("127.0.0.1", port)) {
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                new DataOutputStream(out).writeInt(200);
                if (in.read() < 0) throw new IllegalStateException("the peer closed");
                for (int i = 0; i < exchanges; i++) {
                    double ms = exchange(out, in);
                    if (c == 0) first.add(ms);
                    if (c >= 2) later.add(ms);
                }
            }
        }
        Collections.sort(first);
        Collections.sort(later);
        System.out.printf(Locale.ROOT, "RESULT p50_ms=%.3f first_p50_ms=%.3f connections=%d%n",
                later.get(later.size() / 2), first.get(first.size() / 2), connections);
    }

    private static double exchange(OutputStream out, InputStream in) throws Exception {
        long start = System.nanoTime();
        out.write(new byte[100]);
        out.write(new byte[100]);
        if (in.read() < 0) throw new IllegalStateException("the peer closed");
        return (System.nanoTime() - start) / 1e6;
    }
}
