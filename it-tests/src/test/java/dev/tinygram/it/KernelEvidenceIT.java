package dev.tinygram.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aStalledRequestsFindingCarriesTheKernelsNumbersWithoutAWarning(Jdks.Jdk jdk) throws Exception {
        Path report = Files.createTempFile("tinygram-kernel-", ".jsonl");
        Files.delete(report);
        try {
            Forked.Run run = Forked.demo(jdk, "report=" + report, "wwr-client", "--requests", "20");
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
                assertFalse(run.stderr().contains("kernel evidence"), "said only at debug: " + run.stderr());
                return;
            }
            assertTrue(run.stderr().contains("kernel evidence on"), run.stderr());
            assertFalse(kernel.isEmpty(), "the stalls after the reader opened carry it: " + lines);
            for (JsonNode f : kernel) {
                JsonNode k = f.get("kernel");
                assertTrue(k.get("notsentBytes").asLong() > 0, "Nagle holds bytes as the read begins: " + k);
                long sndMss = k.get("sndMss").asLong();
                assertTrue(sndMss > 0 && sndMss != f.get("mss").asLong(), "the kernel's own working MSS on"
                        + " loopback, not the model's 65483: " + k);
                assertTrue(k.get("rttUs").asLong() > 0 && k.get("atoUs").asLong() > 0, k.toString());
            }
        } finally {
            Files.deleteIfExists(report);
        }
    }
}
