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
 * The lab's client of {@link LabServer}: for each of its answers, a new connection with TCP_NODELAY on, that
 * sends {@value LabServer#REQUEST_BYTES} B requests in one write and reads the whole answer. Prints, per answer,
 * {@code PATTERN name=P local=HOST:PORT p50_ms=X requests=N}: request to whole answer, after a warm-up.
 *
 * <pre>LabRequester --connect ADDRESS --port P --answers "20+100;120" [--requests 15] [--warmup 5]</pre>
 */
public final class LabRequester {
    public static void main(String[] args) throws Exception {
        String address = LabClient.arg(args, "--connect", null);
        int port = Integer.parseInt(LabClient.arg(args, "--port", "9000"));
        List<LabPattern> answers = LabPattern.parseList(LabClient.arg(args, "--answers", null));
        int requests = Integer.parseInt(LabClient.arg(args, "--requests", "15"));
        int warmup = Integer.parseInt(LabClient.arg(args, "--warmup", "5"));
        for (int index = 0; index < answers.size(); index++) {
            LabPattern answer = answers.get(index);
            try (Socket s = LabClient.connect(address, port)) {
                s.setTcpNoDelay(true);
                OutputStream out = s.getOutputStream();
                DataInputStream in = new DataInputStream(s.getInputStream());
                new DataOutputStream(out).writeInt(index);
                in.readFully(new byte[1]);
                byte[] request = new byte[LabServer.REQUEST_BYTES];
                byte[] whole = new byte[answer.totalBytes()];
                List<Double> latencies = new ArrayList<>();
                for (int i = 0; i < warmup + requests; i++) {
                    long start = System.nanoTime();
                    out.write(request);
                    in.readFully(whole);
                    if (i >= warmup) latencies.add((System.nanoTime() - start) / 1e6);
                }
                Collections.sort(latencies);
                System.out.printf(Locale.ROOT, "PATTERN name=%s local=%s p50_ms=%.3f requests=%d%n", answer.name(),
                        s.getLocalAddress().getHostAddress() + ":" + s.getLocalPort(),
                        latencies.get(latencies.size() / 2), requests);
            }
        }
        System.out.println("RESULT patterns=" + answers.size());
    }
}
