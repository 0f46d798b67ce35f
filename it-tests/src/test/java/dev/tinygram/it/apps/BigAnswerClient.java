package dev.tinygram.it.apps;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Locale;

/**
 * A client of {@link LabServer} that asks for a large answer many times over one connection, with TCP_NODELAY on,
 * and counts the requests whose whole answer took over {@code --stall-ms} (default 30). Prints
 * {@code RESULT stalls=K all_stalls=A requests=N p50_ms=X}: K after the warm-up, A with it (the server sees those
 * too).
 *
 * <pre>BigAnswerClient --port P --answer-bytes N [--requests 3000] [--warmup 50]</pre>
 */
public final class BigAnswerClient {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(LabClient.arg(args, "--port", null));
        int answerBytes = Integer.parseInt(LabClient.arg(args, "--answer-bytes", null));
        int requests = Integer.parseInt(LabClient.arg(args, "--requests", "3000"));
        int warmup = Integer.parseInt(LabClient.arg(args, "--warmup", "50"));
        double stallMs = Double.parseDouble(LabClient.arg(args, "--stall-ms", "30"));
        try (Socket s = LabClient.connect("127.0.0.1", port)) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            new DataOutputStream(out).writeInt(0);   // the server's first answer pattern
            in.readFully(new byte[1]);
            byte[] request = new byte[LabServer.REQUEST_BYTES];
            byte[] answer = new byte[answerBytes];
            int stalls = 0;
            int allStalls = 0;
            double[] ms = new double[requests];
            for (int i = 0; i < warmup + requests; i++) {
                long start = System.nanoTime();
                out.write(request);
                in.readFully(answer);
                double took = (System.nanoTime() - start) / 1e6;
                if (took > stallMs) allStalls++;
                if (i < warmup) continue;
                ms[i - warmup] = took;
                if (took > stallMs) stalls++;
            }
            java.util.Arrays.sort(ms);
            System.out.printf(Locale.ROOT, "RESULT stalls=%d all_stalls=%d requests=%d p50_ms=%.3f%n", stalls,
                    allStalls, requests, ms[requests / 2]);
        }
    }
}
