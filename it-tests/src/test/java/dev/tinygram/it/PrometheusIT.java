package dev.tinygram.it;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tinygram.it.fleet.FreePort;
import dev.tinygram.it.fleet.PrometheusServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * tinygram in a fleet's monitoring, end to end with the real pieces: the stalling {@code wwr-client} demo runs with
 * two agents, tinygram and the Prometheus JMX exporter with docs/fleet/jmx-exporter.yaml; a real Prometheus
 * (Debian's) scrapes the exporter every second; the test asks Prometheus's HTTP API what it got. The README's
 * ranking query and alert rule run here too, over seconds instead of minutes.
 */
class PrometheusIT {
    static final Path EXPORTER_JAR = Path.of(System.getProperty("tinygram.jmxExporterJar",
            "target/fleet/jmx_prometheus_javaagent.jar")).toAbsolutePath();
    static final Path EXPORTER_CONFIG = Path.of(System.getProperty("tinygram.jmxExporterConfig",
            "../docs/fleet/jmx-exporter.yaml")).toAbsolutePath().normalize();
    private static final String JOB = "tinygram-demo";
    private static final int WAIT_SECONDS = 60;
    /** The README's ranking query, with the test's window. */
    static final String RANK = "topk(5, sum by (call_site) (rate(tinygram_wait_ms_total[%s])))";
    /** The README's alert rule, with the test's window and no waiting period. */
    static final String ALERT_RULES = """
            groups:
              - name: tinygram
                rules:
                  - alert: TinygramStallTimeLost
                    expr: sum by (job, instance, call_site) (rate(tinygram_wait_ms_total[%s])) > 100
                    for: %s
                    labels:
                      severity: warning
                    annotations:
                      summary: "{{ $labels.call_site }} loses {{ $value | humanize }} ms per second to Nagle / delayed-ACK stalls"
            """;

    @BeforeAll
    static void needsPrometheus() {
        boolean present = Files.isExecutable(PrometheusServer.BINARY);
        String skip = "PrometheusIT skipped: " + PrometheusServer.BINARY + " is absent (Debian's prometheus package;"
                + " .ci/run installs it)";
        if (!present) System.out.println(skip);
        assumeTrue(present, skip);
        assertTrue(Files.isRegularFile(EXPORTER_JAR), EXPORTER_JAR + " is missing: the it-tests build copies it");
        assertTrue(Files.isRegularFile(EXPORTER_CONFIG), EXPORTER_CONFIG + " is missing");
    }

    static Stream<Jdks.Jdk> jdks() {
        return Jdks.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void prometheusGetsTheStallingCallSiteThroughTheJmxExporter(Jdks.Jdk jdk) throws Exception {
        long started = System.nanoTime();
        int exporterPort = FreePort.loopback();
        List<String> agents = List.of(
                "-javaagent:" + EXPORTER_JAR + "=127.0.0.1:" + exporterPort + ":" + EXPORTER_CONFIG,
                Forked.agentOption("log=warn"));
        String laterWrite = "(WwrClient.java:" + Forked.laterWriteLine("WwrClient") + ")";
        Predicate<String> demoSite = s -> s.startsWith("dev.tinygram.demo.WwrClient.") && s.endsWith(laterWrite);
        // the demo stops by itself after 120 s, should this test be killed before it closes it
        try (LiveDemo demo = new LiveDemo(jdk, agents, "wwr-client", "--duration", "120");
             PrometheusServer prometheus = new PrometheusServer(JOB, "127.0.0.1:" + exporterPort,
                     ALERT_RULES.formatted("10s", "0s"))) {
            Asker ask = new Asker(prometheus, demo);

            JsonNode predicted = ask.await("tinygram_stalls_predicted_total", demoSite, v -> v >= 1, ">= 1");
            assertEquals(JOB, predicted.path("metric").path("job").asText(), predicted.toString());
            JsonNode confirmed = ask.await("tinygram_stalls_confirmed_total", demoSite, v -> v >= 1, ">= 1");
            // the demo's write is held here (outbound); its own server's read waits for it (inbound)
            assertEquals("outbound", predicted.path("metric").path("direction").asText(), predicted.toString());
            for (JsonNode series : prometheus.query("tinygram_stalls_predicted_total")) {
                assertFalse(series.path("metric").path("call_site").asText("").isEmpty(), series.toString());
                String direction = series.path("metric").path("direction").asText();
                assertTrue(direction.equals("outbound") || direction.equals("inbound"), series.toString());
            }
            // Each stall loses the peer's delayed-ACK timer (40 ms on Linux, up to 200 ms): a wide margin either side
            double perStall = PrometheusServer.value(ask.await(
                    "tinygram_wait_ms_total / tinygram_stalls_predicted_total", demoSite, v -> true, "any"));
            assertTrue(perStall >= 20 && perStall <= 250, "ms lost per stall: " + perStall);

            double tracked = PrometheusServer.value(ask.await("tinygram_connections_tracked", s -> true, v -> v >= 2,
                    ">= 2 (the demo's client and the socket its server accepted)"));
            JsonNode mode = prometheus.query("tinygram_mode");
            assertEquals(1, mode.size(), mode.toString());
            assertEquals("observe", mode.get(0).path("metric").path("mode").asText(), mode.toString());
            assertEquals(1.0, PrometheusServer.value(mode.get(0)));

            // The README's ranking: the demo loses about 40 of every 44 ms, far above 100 ms per second
            ask.await(RANK.formatted("10s"), demoSite, v -> v > 100, "> 100 ms per second");
            JsonNode alert = ask.awaitAlert("TinygramStallTimeLost", demoSite);
            double lostPerSecond = PrometheusServer.value(ask.await(RANK.formatted("10s"), demoSite, v -> true, "any"));

            System.out.printf("PrometheusIT on %s: %s predicted %.0f, confirmed %.0f, %.1f ms lost per stall,"
                            + " ranked at %.0f ms/s (a 10 s rate over a series seconds old); %.0f connections tracked; alert %s; took %.1f s%n", jdk,
                    predicted.path("metric").path("call_site").asText(), PrometheusServer.value(predicted),
                    PrometheusServer.value(confirmed), perStall, lostPerSecond, tracked,
                    alert.path("state").asText(), (System.nanoTime() - started) / 1e9);
        }
    }

    /** Bounded polls of Prometheus, whose failure message says what it had and what the demo printed. */
    private record Asker(PrometheusServer prometheus, LiveDemo demo) {
        /** Polls {@code promql} until a series whose call_site (if any) satisfies {@code site} has a good value. */
        JsonNode await(String promql, Predicate<String> site, DoublePredicate good, String what) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            JsonNode last = null;
            while (System.nanoTime() < deadline) {
                last = prometheus.query(promql);
                for (JsonNode series : PrometheusServer.withLabel(last, "call_site", site)) {
                    if (good.test(PrometheusServer.value(series))) return series;
                }
                Thread.sleep(500);
            }
            throw new AssertionError("no series of " + promql + " with " + what + " within " + WAIT_SECONDS
                    + " s; last answer " + last + "\n" + context());
        }

        JsonNode awaitAlert(String name, Predicate<String> site) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            JsonNode last = null;
            while (System.nanoTime() < deadline) {
                last = prometheus.alerts();
                for (JsonNode alert : last) {
                    JsonNode labels = alert.path("labels");
                    if (labels.path("alertname").asText().equals(name) && site.test(labels.path("call_site").asText())
                            && alert.path("state").asText().equals("firing")) {
                        return alert;
                    }
                }
                Thread.sleep(500);
            }
            throw new AssertionError("alert " + name + " not firing within " + WAIT_SECONDS + " s; last " + last
                    + "\n" + context());
        }

        private String context() {
            return "--- prometheus targets\n" + prometheus.targets() + "\n--- prometheus log\n" + prometheus.log()
                    + "\n--- demo\n" + demo;
        }
    }
}
