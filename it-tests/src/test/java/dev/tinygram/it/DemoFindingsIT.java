package dev.tinygram.it;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every demo under the agent in observe mode, on every JDK found: the stalling ones are flagged at the line of
 * their later write with a predicted and a measured stall, and still stall (observe changes nothing); the
 * others are not flagged at all.
 */
class DemoFindingsIT {
    private static final String REQUESTS = "12";

    /** A stalling demo: its arguments, the class holding its later write, and the API it uses. */
    record Stalling(String[] args, String demoClass, String api, int minJdk) {
        @Override
        public String toString() {
            return String.join(" ", args);
        }
    }

    static Stream<Arguments> stallingDemos() {
        List<Stalling> demos = List.of(
                new Stalling(new String[] {"wwr-client"}, "WwrClient", "socket", 17),
                new Stalling(new String[] {"split-response"}, "SplitResponse", "socket", 17),
                new Stalling(new String[] {"nio-client", "--blocking"}, "NioClient", "channel", 17),
                new Stalling(new String[] {"nio-client", "--nonblocking"}, "NioClient", "channel", 17),
                new Stalling(new String[] {"tls-client"}, "TlsClient", "socket", 17),
                new Stalling(new String[] {"virtual-threads", "--clients", "8", "--requests", "4"}, "VirtualThreads",
                        "socket", 21));
        return Jdks.all().stream().flatMap(jdk -> demos.stream().map(d -> Arguments.of(jdk, d)));
    }

    static Stream<Arguments> quietDemos() {
        return Jdks.all().stream().flatMap(jdk -> Stream.of(
                Arguments.of(jdk, new String[] {"interactive", "--requests", "30"}),
                Arguments.of(jdk, new String[] {"wwr-client-nodelay", "--requests", "30"}),
                Arguments.of(jdk, new String[] {"bulk-stream", "--messages", "50000"})));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("stallingDemos")
    void stallingDemoIsFlaggedAtItsLaterWriteAndStillStalls(Jdks.Jdk jdk, Stalling demo) throws Exception {
        assumeTrue(jdk.feature() >= demo.minJdk(), demo + " needs JDK " + demo.minJdk());
        Path report = Files.createTempFile("tinygram-report-", ".jsonl");
        Files.delete(report);
        List<String> args = new ArrayList<>(List.of(demo.args()));
        if (!args.contains("--requests")) args.addAll(List.of("--requests", REQUESTS));
        Forked.Run run = Forked.demo(jdk, "report=" + report + ",log=warn", args.toArray(new String[0]));

        assertEquals(0, run.exit(), run.toString());
        assertEquals("ok", run.result().get("integrity"), run.toString());
        assertTrue(run.p50() >= 30, "observe mode must leave the stall in place: " + run.result());

        String site = "dev.tinygram.demo." + demo.demoClass() + ".";
        String line = "(" + demo.demoClass() + ".java:" + Forked.laterWriteLine(demo.demoClass()) + ")";
        List<JsonNode> findings = Report.read(report);
        List<JsonNode> atLaterWrite = new ArrayList<>();
        // split-response stalls on the connection its server accepted; the others on one their client opened
        String role = demo.demoClass().equals("SplitResponse") ? "server" : "client";
        for (JsonNode f : findings) {
            if (f.get("kind").asText().equals("inbound-write-write-read")) {
                // an end in this JVM waited for a held rest: the demo's server for the client's split request,
                // or (tls-client) the client for the server's response, written as more than one TLS record
                assertTrue(f.get("confirmed").asBoolean(), f.toString());
                assertTrue(f.get("observedWaitMs").asDouble() >= 30, f.toString());
                continue;
            }
            assertEquals(role, f.get("role").asText(), f.toString());
            assertEquals("write-write-read", f.get("kind").asText());
            assertEquals("observe", f.get("mode").asText());
            assertEquals(demo.api(), f.get("api").asText(), f.toString());
            assertFalse(f.get("nodelay").asBoolean(), f.toString());
            assertTrue(f.get("writes").size() >= 2, f.toString());
            assertTrue(f.get("heldBytes").asLong() > 0, f.toString());
            assertTrue(f.get("stack").size() > 0 && f.get("stack").toString().contains(f.get("callSite").asText()),
                    f.toString());
            assertFalse(f.toString().contains("payload"), "sizes only");
            String callSite = f.get("callSite").asText();
            if (callSite.startsWith(site) && callSite.endsWith(line)) {
                atLaterWrite.add(f);
            } else if (!demo.demoClass().equals("TlsClient")) {
                // TLS also writes alerts and tickets of its own; every other demo has exactly one held write
                fail("a finding blames " + callSite + ", not the later write " + site + "*" + line + ": " + f);
            }
        }
        assertFalse(atLaterWrite.isEmpty(), "no finding at " + site + "*" + line + " in " + findings + "\n" + run);
        assertTrue(atLaterWrite.stream().anyMatch(f -> f.get("predictedStallMs").asDouble() >= 30
                        && f.get("observedWaitMs").asDouble() >= 30 && f.get("confirmed").asBoolean()),
                "expected a confirmed finding with predictedStallMs >= 30 and observedWaitMs >= 30: " + atLaterWrite);
        for (JsonNode f : atLaterWrite) {
            // the 40 ms timer, less the time between the burst's first and last write (the cost over writing once)
            assertEquals("write-write-read", f.get("kind").asText(), f.toString());
            assertTrue(f.get("predictedStallMs").asDouble() >= 30, "predicted about the 40 ms timer: " + f);
        }
        assertTrue(Report.isOwnerOnly(report), "report must be readable by its owner only");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("quietDemos")
    void demoWithoutStallIsNotFlagged(Jdks.Jdk jdk, String[] args) throws Exception {
        Path report = Files.createTempFile("tinygram-report-", ".jsonl");
        Files.delete(report);
        Forked.Run run = Forked.demo(jdk, "report=" + report + ",log=warn", args);
        assertEquals(0, run.exit(), run.toString());
        assertEquals("ok", run.result().get("integrity"), run.toString());
        assertEquals(List.of(), Report.read(report), "no stall may be reported for " + args[0]);
        assertFalse(run.stderr().contains("write-write-read stall"), run.stderr());
        if (run.result().containsKey("p50_ms")) {
            assertTrue(run.p50() < 5, args[0] + " must not stall: " + run.result());
        }
    }

    static Stream<Jdks.Jdk> jdks() {
        return Jdks.all().stream();
    }

    /**
     * The first finding of a run must not cost the application its own stall again: its cold path (JFR set-up,
     * first formatting, first use of the report's keys) once ran inside the read that found it, about 100 ms on a
     * fresh connection's second request, which lengthened the peer's delayed ACK too (120 to 170 ms against 44
     * without the agent). Median of three fresh JVMs, the second request of each: a 44 ms stall against 90 ms.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void firstFindingDoesNotLengthenTheStallItFinds(Jdks.Jdk jdk) throws Exception {
        List<Double> second = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            Path latencies = Files.createTempFile("tinygram-first-finding-", ".txt");
            try {
                Forked.Run r = Forked.demo(jdk, "", "wwr-client", "--requests", "4", "--warmup", "0",
                        "--latencies", latencies.toString());
                assertEquals(0, r.exit(), r::toString);
                assertTrue(r.stderr().contains("write-write-read"), () -> "no finding:\n" + r);
                List<String> lines = Files.readAllLines(latencies);
                assertEquals(4, lines.size(), lines::toString);
                second.add(Long.parseLong(lines.get(1).trim()) / 1e6);
            } finally {
                Files.deleteIfExists(latencies);
            }
        }
        List<Double> sorted = new ArrayList<>(second);
        sorted.sort(null);
        System.out.println("first finding on " + jdk + ": second request of a fresh connection " + second + " ms");
        assertTrue(sorted.get(1) < 90, () -> "the second request took " + second + " ms under observe (a 44 ms "
                + "stall): the first finding's cold path runs inside the read again");
    }
}
