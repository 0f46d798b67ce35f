package dev.tinygram.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tour, the first thing the README has a new user run, run whole as they would on the JDK running Maven: for
 * each stalling demo it shows the agent's finding line, naming the demo's own call site and the fix, and it runs
 * virtual-threads on a JDK 21+ beside this one, or says in one line that there is none.
 */
class TourIT {
    private static final String FINDINGS_HEADER = "What tinygram said, observing each stalling demo";
    private static final String OUTBOUND = "write-write-read stall at dev.tinygram.demo.";
    private static final String INBOUND = "inbound write-write-read stall at dev.tinygram.demo.";
    private static final String OUTBOUND_FIX = "without a code change, run tinygram with mode=coalesce";
    private static final String INBOUND_FIX = "run tinygram with quickack=flagged";

    /** A stalling demo as the tour labels it, the demo class its finding must name, and how the line starts. */
    private record Stalling(String label, String demoClass, String start, String fix) {}

    private static final List<Stalling> STALLING = List.of(
            new Stalling("wwr-client", "WwrClient", OUTBOUND, OUTBOUND_FIX),
            new Stalling("split-response", "SplitResponse", OUTBOUND, OUTBOUND_FIX),
            new Stalling("nio-client --blocking", "NioClient", OUTBOUND, OUTBOUND_FIX),
            new Stalling("nio-client --nonblocking", "NioClient", OUTBOUND, OUTBOUND_FIX),
            new Stalling("tls-client", "TlsClient", OUTBOUND, OUTBOUND_FIX),
            new Stalling("virtual-threads", "VirtualThreads", OUTBOUND, OUTBOUND_FIX),
            new Stalling("inbound-stall", "InboundStall", INBOUND, INBOUND_FIX));

    @Test
    void showsEachStallingDemosFindingLineAndRunsVirtualThreadsOnAJdk21() throws Exception {
        Jdks.Jdk jdk = Jdks.current();
        // few requests: the tour starts 27 JVMs; each demo's first stalls are enough for its finding
        Forked.Run run = Forked.run(List.of(jdk.java(), "-jar", Forked.DEMOS_JAR.toString(), "tour",
                "--agent", Forked.AGENT_JAR.toString(), "--requests", "5", "--warmup", "1"), 900);
        assertEquals(0, run.exit(), run.toString());
        Map<String, String> result = run.result();
        String vtJdk = result.get("virtual_threads_jdk");
        assertNotNull(vtJdk, run.toString());
        boolean vtRan = !vtJdk.equals("none");

        if (jdk.feature() < 21) {
            String said = vtRan
                    ? "tour: virtual-threads needs JDK 21+: it runs on JDK " + vtJdk + " ("
                    : "tour: virtual-threads needs JDK 21+: skipped, no JDK 21+ is installed beside this JDK "
                            + jdk.feature();
            assertTrue(run.stdout().contains(said), "expected '" + said + "' in\n" + run);
            if (vtRan) {
                assertTrue(Integer.parseInt(vtJdk) >= 21, vtJdk);
                assertTrue(run.stdout().contains("| virtual-threads (JDK " + vtJdk + ") "), run.stdout());
            }
            Jdks.all().stream().filter(j -> j.feature() >= 21).findFirst().ifPresent(newer ->
                    assertEquals(String.valueOf(newer.feature()), vtJdk, "the tour and the it-tests find the same JDK"));
        } else {
            assertEquals(String.valueOf(jdk.feature()), vtJdk, "a JDK 21+ runs virtual-threads itself");
        }

        Map<String, String> lines = findingLines(run.stdout());
        int expected = 0;
        for (Stalling s : STALLING) {
            String line = lines.get(s.label());
            assertNotNull(line, s.label() + " has no entry under the table:\n" + run.stdout());
            if (s.label().equals("virtual-threads") && !vtRan) {
                assertEquals("not run: it needs JDK 21+", line);
                continue;
            }
            expected++;
            assertTrue(line.startsWith(s.start() + s.demoClass() + "."), s.label() + ": " + line);
            assertTrue(line.contains("(" + s.demoClass() + ".java:"), s.label() + " names no source line: " + line);
            assertTrue(line.contains(". Fix: ") && line.contains(s.fix()), s.label() + " names no fix: " + line);
        }
        assertEquals(String.valueOf(expected), result.get("finding_lines"), run.stdout());
        assertEquals(STALLING.size(), lines.size(), "only stalling demos get a finding line: " + lines.keySet());
    }

    /** Under the header: "  LABEL:" then "    LINE", for each stalling demo. */
    private static Map<String, String> findingLines(String stdout) {
        List<String> out = stdout.lines().toList();
        int at = 0;
        while (at < out.size() && !out.get(at).startsWith(FINDINGS_HEADER)) at++;
        assertTrue(at < out.size(), "no '" + FINDINGS_HEADER + "' in\n" + stdout);
        Map<String, String> lines = new LinkedHashMap<>();
        for (int i = at + 1; i + 1 < out.size() && out.get(i).startsWith("  ") && out.get(i).endsWith(":"); i += 2) {
            lines.put(out.get(i).trim().replaceAll(":$", ""), out.get(i + 1).trim());
        }
        return lines;
    }
}
