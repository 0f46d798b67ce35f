package dev.tinygram.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tinygram.it.apps.LabClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernel's word beside the model's: on JDK 22 and later a stalled request's finding carries what
 * {@code TCP_INFO} said as its read began, read through the FFM API with native access enabled for the agent's own
 * module, and the JVM prints no warning; before JDK 22 findings carry the model's evidence, and nothing is said.
 */
class KernelEvidenceIT {
    static Stream<Arguments> jdks() {
        return Jdks.all().stream().map(Arguments::of);
    }

    /**
     * A client writing 16 + 100 B with Nagle on against a peer that delays its ACK: every stall waits for the
     * delayed ACK. The client starts its requests 1.5 s after start, once the kernel reader (opened off the
     * application's threads after the self-test) is open, as the false-alarm test below does: with the demo's
     * requests at once, CI runs twice had no line written after the reader opened.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aStalledRequestsFindingCarriesTheKernelsNumbersWithoutAWarning(Jdks.Jdk jdk) throws Exception {
        Path report = Files.createTempFile("tinygram-kernel-", ".jsonl");
        Files.delete(report);
        try (LocalPeer peer = new LocalPeer()) {
            Forked.Run run = Forked.run(List.of(jdk.java(), Forked.agentOption("report=" + report), "-cp",
                    TestClasspath.get(), LabClient.class.getName(), "--connect", "127.0.0.1", "--port",
                    String.valueOf(peer.port()), "--patterns", "16+100", "--requests", "15", "--warmup", "0",
                    "--start-after-ms", "1500"));
            assertEquals(0, run.exit(), run.toString());
            List<JsonNode> lines = Report.read(report).stream()
                    .filter(f -> f.get("kind").asText().equals("write-write-read")).collect(Collectors.toList());
            assertFalse(lines.isEmpty(), run.toString());
            assertFalse(run.stderr().contains("WARNING:"), "nothing in the application's output: " + run.stderr());
            List<JsonNode> kernel = lines.stream().filter(f -> f.get("evidence").asText().equals("kernel"))
                    .collect(Collectors.toList());
            System.out.printf(Locale.ROOT, "JDK %d: %d of %d report lines with the kernel's evidence%s%n",
                    jdk.feature(), kernel.size(), lines.size(), kernel.isEmpty() ? ""
                            : ", e.g. " + kernel.get(kernel.size() - 1).get("kernel"));
            if (jdk.feature() < 22) {
                assertTrue(kernel.isEmpty(), "no FFM before JDK 22: " + kernel);
                assertTrue(lines.stream().allMatch(f -> f.get("kernel").isNull()), lines.toString());
                assertTrue(run.stderr().contains("kernel evidence off (needs JDK 22 or later"), "said once, on the"
                        + " start line: " + run.stderr());
                return;
            }
            assertTrue(run.stderr().contains("kernel evidence on"), run.stderr());
            assertEquals(lines.size(), kernel.size(), "every stall, after the reader opened, carries it: " + lines);
            for (JsonNode f : kernel) {
                JsonNode k = f.get("kernel");
                assertTrue(k.get("notsentBytes").asLong() > 0, "Nagle holds bytes as the read begins: " + k);
                assertTrue(k.get("sndMss").asLong() > 0, k.toString());
                assertTrue(k.get("rttUs").asLong() > 0 && k.get("atoUs").asLong() > 0, k.toString());
            }
        } finally {
            Files.deleteIfExists(report);
        }
    }

    /**
     * The model's first requests to a peer it does not know yet are predicted to stall; here the peer never delays
     * its ACK, so Nagle holds nothing by the time the read begins. On JDK 22+ the kernel says so (nothing unsent),
     * and the false alarm is counted, not reported; the connection's model starts from the kernel's working MSS.
     * Before JDK 22 the same predictions are reported, unconfirmed: what the kernel's word saves.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aFalseAlarmTheKernelContradictsIsCountedNotReported(Jdks.Jdk jdk) throws Exception {
        Path report = Files.createTempFile("tinygram-contradicted-", ".jsonl");
        Files.delete(report);
        try (LocalPeer peer = new LocalPeer(true)) {
            // 1 ms between the two writes: the quick ACK is back by then, so the second leaves at once.
            Forked.Run run = Forked.run(List.of(jdk.java(), Forked.agentOption("report=" + report), "-cp",
                    TestClasspath.get(), LabClient.class.getName(), "--connect", "127.0.0.1", "--port",
                    String.valueOf(peer.port()), "--patterns", "100x2@1", "--requests", "10", "--warmup", "0",
                    "--start-after-ms", "1500"));
            assertEquals(0, run.exit(), run.toString());
            List<JsonNode> predicted = Report.read(report).stream()
                    .filter(f -> f.get("kind").asText().equals("write-write-read"))
                    .filter(f -> f.get("predicted").asBoolean()).collect(Collectors.toList());
            Matcher contradicted = Pattern.compile("(\\d+) more predicted but contradicted by the kernel")
                    .matcher(run.stderr() + run.stdout());
            System.out.printf(Locale.ROOT, "JDK %d: %d predicted report lines, contradicted: %s%n", jdk.feature(),
                    predicted.size(), contradicted.find() ? contradicted.group(1) : "none");
            assertTrue(predicted.stream().noneMatch(f -> f.get("confirmed").asBoolean()),
                    "the peer never delays its ACK: no stall to confirm: " + predicted);
            if (jdk.feature() < 22) {
                assertFalse(predicted.isEmpty(), "the model alone predicts the first requests' stalls: " + run);
                assertTrue(predicted.stream().allMatch(f -> f.get("evidence").asText().equals("model")),
                        predicted.toString());
                return;
            }
            assertTrue(contradicted.find(0) && Integer.parseInt(contradicted.group(1)) >= 1,
                    "the summary counts the false alarms the kernel stopped: " + run);
            assertTrue(predicted.isEmpty(), "none reported: " + predicted);
        } finally {
            Files.deleteIfExists(report);
        }
    }
}
