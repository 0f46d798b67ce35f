package dev.tinygram.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * The benchmark command must not rot: its short version ({@code bench --smoke}, seconds) runs every section in
 * child JVMs, as a user would run the full one, and must produce all five tables and the CDF picture. It checks
 * that the figures exist and are sane, not what they are: timing belongs to the benchmark, not to a test.
 */
class BenchSmokeIT {
    private static final List<String> SECTIONS = List.of("## 1. Latency per demo and mode",
            "## 2. Observe-mode overhead", "## 3. JMH", "## 4. Start-up", "## 5. Memory");

    @Test
    void smokeRunProducesEveryTableAndThePicture() throws Exception {
        Path out = Files.createDirectories(Path.of("target", "bench-smoke")).toAbsolutePath();   // kept for a look
        Forked.Run run = Forked.run(List.of(Jdks.current().java(), "-jar", Forked.DEMOS_JAR.toString(), "bench",
                "--smoke", "--quiet", "--agent", Forked.AGENT_JAR.toString(), "--out", out.toString()));
        System.out.println("bench --smoke: " + run.stdout().lines().filter(l -> l.startsWith("RESULT")).findFirst()
                .orElse("no RESULT line"));
        assertEquals(0, run.exit(), () -> "bench --smoke failed:\n" + run);
        assertTrue(run.stdout().contains("failed_runs=0"), () -> run.toString());

        String md = Files.readString(out.resolve("bench.md"));
        for (String section : SECTIONS) assertTrue(md.contains(section), () -> "no section " + section + ":\n" + md);
        assertTrue(md.contains("- date: ") && md.contains("- machine: "), "the run says when and where");
        for (String mode : List.of("off", "observe", "nodelay", "coalesce", "write-once")) {
            assertTrue(md.contains("| wwr-client | " + mode), () -> "no wwr-client row for " + mode + ":\n" + md);
        }
        assertTrue(md.contains("ns/op"), "JMH figures are given in ns/op");
        Matcher ready = Pattern.compile("premain to ready[^|]*\\| (\\d+) ms").matcher(md);
        assertTrue(ready.find(), "the start-up table has the premain-to-ready figure");
        assertTrue(Integer.parseInt(ready.group(1)) > 0);
        Matcher first = Pattern.compile("first request's latency[^|]*without agent \\| (\\d+\\.\\d+) ms").matcher(md);
        assertTrue(first.find(), () -> "the start-up table has the first request's latency:\n" + md);
        assertTrue(Double.parseDouble(first.group(1)) > 0);
        assertTrue(md.contains("ObserveBench.streamingWrite"), "the stream's per-write benchmark ran");
        Matcher pinned = Pattern.compile("ping-pong's CPU time, all threads of the process on one core[^|]*\\| "
                + "([\\d,.]+) ms \\| ([\\d,.]+) ms").matcher(md);
        assertTrue(pinned.find(), () -> "the ping-pong's CPU is measured on one core too (CI has taskset):\n" + md);
        assertTrue(Double.parseDouble(pinned.group(2).replace(",", "")) > 0);
        assertTrue(md.contains("A/A: the same ping-pong's CPU time"), "and its A/A row says what the pairs resolve");
        assertTrue(md.contains("Verdict: **flat**"), "the heap stays flat as connections come and go:\n" + md);

        Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(out.resolve("wwr-latency-cdf.svg").toFile());
        assertEquals("svg", svg.getDocumentElement().getNodeName());
        assertTrue(svg.getElementsByTagName("polyline").getLength() + svg.getElementsByTagName("path").getLength()
                >= 4, "one curve per mode");
    }
}
