package dev.tinygram.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tinygram.it.apps.LabServer;
import dev.tinygram.it.apps.PiecesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The mirror case on loopback: a client JVM without the agent writes each request in pieces to a server JVM with
 * it. Where the client's Nagle holds the rest behind our delayed ACK, the server reports an
 * {@code inbound-write-write-read} at its read; where the client is merely slow, or sends full segments, nothing.
 */
class InboundIT {
    static Stream<Arguments> jdks() {
        return Jdks.all().stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aRequestInTwoPiecesWithNagleOnIsFoundAtTheServersRead(Jdks.Jdk jdk) throws Exception {
        for (int gapMs : new int[] {0, 5}) {
            Exchange x = exchange(jdk, 10, "4+6", gapMs, false, 20);
            System.out.printf(Locale.ROOT, "inbound, JDK %d: 4+6 B, %d ms apart, Nagle on: client p50 %.1f ms, %d"
                    + " inbound findings%n", jdk.feature(), gapMs, x.p50Ms, x.inbound().size());
            assertTrue(x.p50Ms >= 35, "the client's rest waits for the server's delayed ACK: " + x);
            List<JsonNode> found = x.inbound();
            assertFalse(found.isEmpty(), "no inbound finding: " + x);
            for (JsonNode f : found) {
                assertEquals("server", f.get("role").asText(), f.toString());
                assertEquals(x.clientEnd, f.get("remote").asText(), "the peer: " + f);
                assertTrue(f.get("callSite").asText().startsWith(LabServer.class.getName()), "the read: " + f);
                assertTrue(f.get("confirmed").asBoolean(), f.toString());
                assertTrue(f.get("observedWaitMs").asDouble() >= 30, f.toString());
                assertEquals("[4,6]", f.get("writes").toString(), "the pieces as they arrived: " + f);
                assertTrue(f.get("hint").asText().contains("quickack="), f.toString());
            }
        }
    }

    /** quickack=flagged after the first inbound finding, quickack=all from the start: the client's p50 drops. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void quickackTakesTheClientBackUnder5Ms(Jdks.Jdk jdk) throws Exception {
        Exchange observed = exchange(jdk, 10, "4+6", 0, false, 20, "");
        for (String scope : new String[] {"flagged", "all"}) {
            Exchange fixed = exchange(jdk, 10, "4+6", 0, false, 20, ",quickack=" + scope);
            System.out.printf(Locale.ROOT, "inbound, JDK %d: 4+6 B, Nagle on: client p50 %.1f ms observed, %.2f ms"
                    + " with quickack=%s%n", jdk.feature(), observed.p50Ms, fixed.p50Ms, scope);
            assertTrue(observed.p50Ms >= 35, "stalls without it: " + observed);
            assertTrue(fixed.p50Ms < 5, "quickack=" + scope + ": " + fixed + " against " + observed);
        }
    }

    /** Slow, not held: NODELAY pieces 5, 100, 300 ms apart; Nagle pieces 100, 300 ms apart; a 200 KB message. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aSlowPeerOrFullSegmentsAreNoFinding(Jdks.Jdk jdk) throws Exception {
        List<String> wrong = new ArrayList<>();
        Object[][] cases = {{"4+6", 5, true}, {"4+6", 100, true}, {"4+6", 300, true}, {"4+6", 100, false},
                {"4+6", 300, false}, {"200000", 0, false}};
        for (Object[] c : cases) {
            String pieces = (String) c[0];
            int gap = (Integer) c[1];
            boolean nodelay = (Boolean) c[2];
            int size = pieces.equals("200000") ? 200_000 : 10;
            Exchange x = exchange(jdk, size, pieces, gap, nodelay, gap >= 100 ? 6 : 15);
            System.out.printf(Locale.ROOT, "inbound, JDK %d: %s B, %d ms apart, %s: client p50 %.1f ms, %d inbound"
                    + " findings%n", jdk.feature(), pieces, gap, nodelay ? "TCP_NODELAY" : "Nagle on", x.p50Ms,
                    x.inbound().size());
            if (!x.inbound().isEmpty()) wrong.add(pieces + " " + gap + " ms " + nodelay + ": " + x.inbound());
        }
        assertTrue(wrong.isEmpty(), "false alarms:\n" + String.join("\n", wrong));
    }

    private record Exchange(double p50Ms, String clientEnd, List<JsonNode> findings, String serverOut) {
        List<JsonNode> inbound() {
            return findings.stream().filter(f -> f.get("kind").asText().equals("inbound-write-write-read"))
                    .collect(Collectors.toList());
        }
    }

    private static Exchange exchange(Jdks.Jdk jdk, int requestBytes, String pieces, int gapMs, boolean nodelay,
                                     int requests) throws Exception {
        return exchange(jdk, requestBytes, pieces, gapMs, nodelay, requests, "");
    }

    private static Exchange exchange(Jdks.Jdk jdk, int requestBytes, String pieces, int gapMs, boolean nodelay,
                                     int requests, String extraAgentArgs) throws Exception {
        Path report = Files.createTempFile("tinygram-inbound-", ".jsonl");
        Files.delete(report);
        try (ServerProcess server = new ServerProcess(List.of(jdk.java(),
                Forked.agentOption("report=" + report + ",log=warn" + extraAgentArgs), "-cp", TestClasspath.get(),
                LabServer.class.getName(), "--bind", "127.0.0.1", "--port", "0", "--answers", "1", "--request-bytes",
                String.valueOf(requestBytes)))) {
            List<String> client = new ArrayList<>(List.of(jdk.java(), "-cp", TestClasspath.get(),
                    PiecesClient.class.getName(), "--connect", "127.0.0.1", "--port", String.valueOf(server.port()),
                    "--pieces", pieces, "--gap-ms", String.valueOf(gapMs), "--requests", String.valueOf(requests),
                    "--warmup", "3"));
            if (nodelay) client.add("--nodelay");
            Forked.Run run = Forked.run(client);
            assertEquals(0, run.exit(), run.toString());
            server.stop();   // a polite stop: the agent writes what its report still holds
            List<JsonNode> findings = Report.read(report);
            return new Exchange(Double.parseDouble(run.result().get("p50_ms")), run.result().get("local"), findings,
                    server.said());
        } finally {
            Files.deleteIfExists(report);
        }
    }
}
