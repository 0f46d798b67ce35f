package dev.tinygram.it.apps;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * {@code HttpURLConnection} keep-alive GETs to {@link JdkHttpServerApp}, as an application makes them, each body
 * checked. Prints {@code RESULT p50_ms=X requests=N}.
 *
 * <pre>JdkHttpClientApp --port P [--requests 20] [--warmup 3]</pre>
 */
public final class JdkHttpClientApp {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(LabClient.arg(args, "--port", null));
        int requests = Integer.parseInt(LabClient.arg(args, "--requests", "20"));
        int warmup = Integer.parseInt(LabClient.arg(args, "--warmup", "3"));
        URL url = new URL("http://127.0.0.1:" + port + "/hello");
        List<Double> latencies = new ArrayList<>();
        for (int i = 0; i < warmup + requests; i++) {
            long start = System.nanoTime();
            HttpURLConnection c = (HttpURLConnection) url.openConnection();
            String body;
            try (InputStream in = c.getInputStream()) {
                body = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
            if (!body.equals(JdkHttpServerApp.BODY)) throw new IllegalStateException("a wrong body: " + body);
            if (i >= warmup) latencies.add((System.nanoTime() - start) / 1e6);
        }
        Collections.sort(latencies);
        System.out.printf(Locale.ROOT, "RESULT p50_ms=%.3f requests=%d%n", latencies.get(latencies.size() / 2),
                requests);
    }
}
