package dev.tinygram.it.apps;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A client we cannot change, run without the agent: it sends each request to a {@link LabServer} as the given
 * pieces, {@code --gap-ms} apart, with Nagle on unless {@code --nodelay}, and reads the server's one-byte answer.
 * The server's answer carries the sum of the bytes it read, which is checked: every byte arrived, in order.
 * Prints {@code RESULT p50_ms=X local=HOST:PORT requests=N stalls=S}: from the first piece to the answer; S counts
 * the requests, warm-up included, that took 30 ms or more (a delayed-ACK timer's).
 *
 * <pre>PiecesClient --connect ADDRESS --port P --pieces 4+6 [--gap-ms 0] [--nodelay] [--requests 20] [--warmup 5]</pre>
 */
public final class PiecesClient {
    public static void main(String[] args) throws Exception {
        String address = LabClient.arg(args, "--connect", null);
        int port = Integer.parseInt(LabClient.arg(args, "--port", "9000"));
        LabPattern pieces = LabPattern.parse(LabClient.arg(args, "--pieces", null));
        int gapMs = Integer.parseInt(LabClient.arg(args, "--gap-ms", "0"));
        boolean nodelay = java.util.Arrays.asList(args).contains("--nodelay");
        int requests = Integer.parseInt(LabClient.arg(args, "--requests", "20"));
        int warmup = Integer.parseInt(LabClient.arg(args, "--warmup", "5"));
        try (Socket s = LabClient.connect(address, port)) {
            s.setTcpNoDelay(nodelay);
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            new DataOutputStream(out).writeInt(0);   // the server's first answer pattern
            in.readFully(new byte[1]);
            byte[][] parts = new byte[pieces.writes().length][];
            for (int i = 0; i < parts.length; i++) parts[i] = new byte[pieces.writes()[i]];
            byte[] whole = new byte[pieces.totalBytes()];
            byte[] answer = new byte[1];
            List<Double> latencies = new ArrayList<>();
            int stalls = 0;
            for (int i = 0; i < warmup + requests; i++) {
                for (int b = 0; b < whole.length; b++) whole[b] = (byte) (i * 31 + b * 7);
                for (int p = 0, at = 0; p < parts.length; at += parts[p].length, p++) {
                    System.arraycopy(whole, at, parts[p], 0, parts[p].length);
                }
                long start = System.nanoTime();
                for (int p = 0; p < parts.length; p++) {
                    if (p > 0 && gapMs > 0) LabClient.pause(gapMs);
                    out.write(parts[p]);
                }
                in.readFully(answer);
                if (answer[0] != LabServer.checksum(whole)) {
                    throw new IllegalStateException("request " + i + ": the server summed other bytes than were sent");
                }
                double ms = (System.nanoTime() - start) / 1e6;
                if (ms >= 30) stalls++;
                if (i >= warmup) latencies.add(ms);
            }
            Collections.sort(latencies);
            System.out.printf(Locale.ROOT, "RESULT p50_ms=%.3f local=%s requests=%d stalls=%d%n",
                    latencies.get(latencies.size() / 2),
                    s.getLocalAddress().getHostAddress() + ":" + s.getLocalPort(), requests, stalls);
        }
    }
}
