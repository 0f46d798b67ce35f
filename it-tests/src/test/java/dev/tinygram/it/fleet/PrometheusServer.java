package dev.tinygram.it.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus server (Debian's {@code /usr/bin/prometheus}) of the test's own: on 127.0.0.1 and a free port,
 * with its configuration, rules and storage in a temp folder, scraping one target every second. Started ready (its
 * {@code /-/ready} answers), asked through its HTTP API, and always stopped, its folder deleted.
 */
public final class PrometheusServer implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/prometheus");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * Starts Prometheus scraping {@code target} (host:port) as job {@code job}, with {@code rules} (a rules file's
     * text, or null for none) evaluated every second.
     */
    public PrometheusServer(String job, String target, String rules) throws Exception {
        port = FreePort.loopback();
        dir = Files.createTempDirectory("tinygram-prometheus-");
        try {
            process = start(dir, port, job, target, rules);
        } catch (Exception | Error e) {
            deleteFolder(dir);   // nothing started: only the folder to take back
            throw e;
        }
        try {
            awaitReady();
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** Writes the configuration into {@code dir} and starts the server on {@code port}. */
    private static Process start(Path dir, int port, String job, String target, String rules) throws IOException {
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                %s
                scrape_configs:
                  - job_name: %s
                    static_configs:
                      - targets: ["%s"]
                """.formatted(rules == null ? "" : "rule_files: [\"rules.yml\"]", job, target));
        if (rules != null) Files.writeString(dir.resolve("rules.yml"), rules);
        return new ProcessBuilder(BINARY.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    }

    /** An instant query's {@code data.result}: one element per series, each with {@code metric} and {@code value}. */
    public JsonNode query(String promql) throws IOException, InterruptedException {
        JsonNode answer = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (!"success".equals(answer.path("status").asText())) {
            throw new AssertionError("query " + promql + " failed: " + answer);
        }
        return answer.path("data").path("result");
    }

    /** {@code /api/v1/alerts}: the alerts pending or firing now. */
    public JsonNode alerts() throws IOException, InterruptedException {
        return get("/api/v1/alerts").path("data").path("alerts");
    }

    /** {@code /api/v1/targets}, for a failure message: whether the scrape works, and its last error. */
    public String targets() {
        try {
            return get("/api/v1/targets").path("data").path("activeTargets").toString();
        } catch (Exception e) {
            return e.toString();
        }
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build();
        return JSON.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    private void awaitReady() throws Exception {
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n" + log());
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("prometheus was not ready within 30 s:\n" + log());
    }

    /** A polite stop (it closes its storage), then a forced one; then its folder goes. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        deleteFolder(dir);
    }

    private static void deleteFolder(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a temp folder
        }
    }

    /** The value of one series of a query result, as a number. */
    public static double value(JsonNode series) {
        return Double.parseDouble(series.path("value").get(1).asText());
    }

    /** The series of a query result whose {@code label} satisfies {@code test}. */
    public static List<JsonNode> withLabel(JsonNode result, String label, java.util.function.Predicate<String> test) {
        List<JsonNode> found = new java.util.ArrayList<>();
        for (JsonNode series : result) {
            if (test.test(series.path("metric").path(label).asText(""))) found.add(series);
        }
        return found;
    }
}
