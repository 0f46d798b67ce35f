package dev.tinygram.it.lab;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tinygram.it.Forked;
import dev.tinygram.it.Jdks;
import dev.tinygram.it.Report;
import dev.tinygram.it.TestClasspath;
import dev.tinygram.it.apps.LabClient;
import dev.tinygram.it.apps.LabPeer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The network lab: two hosts as namespaces joined by a link with a set delay at MTU 1500, each end in its own
 * JVM, on every JDK the it-tests find. First, that the lab is what it claims (the round trip it was set to, nothing left behind), and that a
 * write-write-read across it stalls for real and is found.
 */
class LabIT {
    private static final int PORT = 9000;

    static List<Jdks.Jdk> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void theLinkHasTheSetRoundTripAndLeavesNothingBehind(Jdks.Jdk jdk) throws Exception {
        List<String> made;
        try (Lab lab = Lab.start(1_000, 1500)) {
            made = lab.namespaces();
            assertTrue(Lab.namespacesNow().containsAll(made));
            Forked.Run run = exchange(jdk, lab, null, 1, List.of("--writes", "1", "--nodelay", "--requests", "20"));
            double p50 = Double.parseDouble(run.result().get("p50_ms"));
            System.out.println("lab, 1 ms each way: round trip p50 " + p50 + " ms, connect "
                    + run.result().get("connect_ms") + " ms");
            assertTrue(p50 >= 1.5 && p50 < 8, "a 1 ms one-way link: a round trip of about 2 ms, not " + run.result());
            double connect = Double.parseDouble(run.result().get("connect_ms"));
            assertTrue(connect >= 1.5, "a connect takes a round trip: " + run.result());
        }
        List<String> after = Lab.namespacesNow();
        for (String ns : made) assertFalse(after.contains(ns), ns + " removed: " + after);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aWriteWriteReadAcrossA20MsPathStallsAndIsFound(Jdks.Jdk jdk) throws Exception {
        Path report = Files.createTempFile("tinygram-lab-", ".jsonl");
        Files.delete(report);
        try (Lab lab = Lab.start(10_000, 1500)) {
            Forked.Run once = exchange(jdk, lab, null, 200, List.of("--writes", "200"));
            Forked.Run split = exchange(jdk, lab, "report=" + report + ",log=warn", 200, List.of("--writes", "100,100"));
            double onceP50 = Double.parseDouble(once.result().get("p50_ms"));
            double splitP50 = Double.parseDouble(split.result().get("p50_ms"));
            System.out.printf(java.util.Locale.ROOT, "lab, JDK %d, 20 ms round trip, MTU 1500: one 200 B write p50"
                    + " %.1f ms, 100+100 B p50 %.1f ms%n", jdk.feature(), onceP50, splitP50);
            assertTrue(onceP50 >= 18 && onceP50 < 40, "one write: one round trip of about 20 ms: " + once.result());
            assertTrue(splitP50 >= onceP50 + 30, "two writes wait for the peer's delayed ACK: " + split.result()
                    + " against " + once.result());
            List<JsonNode> findings = Report.read(report);
            assertTrue(findings.stream().anyMatch(f -> f.get("kind").asText().equals("write-write-read")
                    && f.get("callSite").asText().startsWith(LabClient.class.getName())
                    && f.get("role").asText().equals("client")
                    && f.get("mss").asInt() == 1448), "found, at the MSS of a 1500 B MTU: " + findings);
            JsonNode last = findings.get(findings.size() - 1);
            double rtt = last.get("rttMs").asDouble();
            assertTrue(rtt >= 15 && rtt < 40, "the round trip learnt from the connect, about 20 ms: " + last);
            System.out.printf(java.util.Locale.ROOT, "lab, 20 ms: the agent's rttMs %.1f, predictedStallMs %.1f,"
                    + " observedWaitMs %.1f%n", rtt, last.get("predictedStallMs").asDouble(),
                    last.get("observedWaitMs").asDouble());
        } finally {
            Files.deleteIfExists(report);
        }
    }

    /** A {@link LabPeer} in host B for one connection, and a {@link LabClient} in host A, under agentArgs if given. */
    private static Forked.Run exchange(Jdks.Jdk jdk, Lab lab, String agentArgs, int requestBytes,
                                       List<String> clientArgs) throws Exception {
        List<String> peer = new ArrayList<>(List.of(jdk.java(), "-cp", classpath(), LabPeer.class.getName(), "--bind",
                Lab.B_ADDRESS, "--port", String.valueOf(PORT), "--request-bytes", String.valueOf(requestBytes)));
        Process server = new ProcessBuilder(lab.inB(peer)).redirectErrorStream(true).start();
        try {
            Lab.awaitLine(server, "LISTENING", "the lab's peer did not start listening");
            List<String> client = new ArrayList<>(List.of(jdk.java()));
            if (agentArgs != null) client.add(Forked.agentOption(agentArgs));
            client.addAll(List.of("-cp", classpath(), LabClient.class.getName(), "--connect", Lab.B_ADDRESS,
                    "--port", String.valueOf(PORT)));
            client.addAll(clientArgs);
            Forked.Run run = Forked.run(lab.inA(client));
            assertEquals(0, run.exit(), run.toString());
            return run;
        } finally {
            server.destroyForcibly();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** The test classes without the agent's: the only agent a child sees is the jar. */
    private static String classpath() {
        return TestClasspath.get();
    }
}
