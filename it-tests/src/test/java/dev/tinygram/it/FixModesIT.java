package dev.tinygram.it;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tinygram.it.thirdparty.ExternalServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * mode=nodelay and mode=coalesce against the real kernel: every stalling demo stops stalling, with its data
 * intact and the finding saying what was done; the quiet demos stay as they were; coalescing sends one segment
 * per request where nodelay sends two; scope, include and exclude choose what is fixed.
 */
class FixModesIT {

    record Demo(String[] args, String api, int minJdk) {
        @Override
        public String toString() {
            return String.join(" ", args);
        }
    }

    private static final List<Demo> STALLING = List.of(
            new Demo(new String[] {"wwr-client", "--requests", "30"}, "socket", 17),
            new Demo(new String[] {"split-response", "--requests", "30"}, "socket", 17),
            new Demo(new String[] {"nio-client", "--blocking", "--requests", "30"}, "channel", 17),
            new Demo(new String[] {"nio-client", "--nonblocking", "--requests", "30"}, "channel", 17),
            new Demo(new String[] {"tls-client", "--requests", "30"}, "socket", 17),
            // eight virtual threads on two cores: warmed up, so that p50 measures the fix, not the JIT (with 6
            // requests and no warm-up it came within 0.02 ms of the 5 ms bound; warmed, 0.7 to 2.7 ms)
            new Demo(new String[] {"virtual-threads", "--clients", "8", "--requests", "10", "--warmup", "10"},
                    "socket", 21));

    static Stream<Arguments> stallingDemosUnderEachFix() {
        return Jdks.all().stream().flatMap(jdk -> Stream.of("nodelay", "coalesce")
                .flatMap(mode -> STALLING.stream().map(d -> Arguments.of(jdk, mode, d))));
    }

    static Stream<Arguments> everyFix() {
        return Stream.of(Arguments.of("nodelay"), Arguments.of("coalesce"));
    }

    private static Path newReport() throws Exception {
        Path p = Files.createTempFile("tinygram-fix-", ".jsonl");
        Files.delete(p);
        return p;
    }

    @ParameterizedTest(name = "{0} mode={1}: {2}")
    @MethodSource("stallingDemosUnderEachFix")
    void stallingDemoNoLongerStallsAndSaysWhatWasDone(Jdks.Jdk jdk, String mode, Demo demo) throws Exception {
        assumeTrue(jdk.feature() >= demo.minJdk(), demo + " needs JDK " + demo.minJdk());
        Path report = newReport();
        Forked.Run run = Forked.demo(jdk, "mode=" + mode + ",report=" + report + ",log=warn", demo.args());
        assertEquals(0, run.exit(), run.toString());
        assertEquals("ok", run.result().get("integrity"), run.toString());
        // 8 fresh virtual-thread clients and their servers on 2 cores: p50 0.9 to 6 ms in CI runs, against 44 ms
        // stalled; one client alone stays under 5 ms
        double notStalled = demo.args()[0].equals("virtual-threads") ? 15 : 5;
        assertTrue(run.p50() < notStalled, demo + " under mode=" + mode + " must not stall: " + run.result());

        String expectedAction = mode.equals("coalesce") && demo.api().equals("socket") ? "coalesced" : "nodelay";
        // A channel under coalesce on JDK 22+ is corked once the kernel's module is open, off the application's
        // threads after start (Fixer.corkIfNowPossible): its findings say nodelay before that, coalesced after. A run
        // of 30 requests mostly ends before; in one CI run a finding came after.
        boolean mayBeCorked = mode.equals("coalesce") && demo.api().equals("channel") && jdk.feature() >= 22;
        List<JsonNode> findings = Report.read(report);
        assertFalse(findings.isEmpty(), "the pattern is still reported, with what was done about it\n" + run);
        double longestPredicted = 0;
        java.util.Set<String> actions = new java.util.TreeSet<>();
        for (JsonNode f : findings) {
            // the demo's server end, in this JVM, is not what the fix modes fix: its reads' findings are the
            // inbound kind, which quickack= addresses
            if (f.get("kind").asText().equals("inbound-write-write-read")) continue;
            assertEquals(mode, f.get("mode").asText(), f.toString());
            String action = f.get("action").asText();
            if (!(mayBeCorked && action.equals("coalesced"))) assertEquals(expectedAction, action, f.toString());
            actions.add(action);
            assertTrue(f.get("nodelay").asBoolean(), "the socket really has TCP_NODELAY: " + f);
            // what would have happened: the 40 ms timer less the time between the burst's first and last write
            assertEquals("write-write-read", f.get("kind").asText(), f.toString());
            assertTrue(f.get("predictedStallMs").asDouble() > 0, "a stall avoided, so one was predicted: " + f);
            longestPredicted = Math.max(longestPredicted, f.get("predictedStallMs").asDouble());
        }
        // About 40 ms for the requests in steady state. A connection's first request may spread its writes: a TLS
        // client's first one, just after the handshake, over 10 to 20 ms (in CI, once 20.5: its prediction 19.5)
        assertTrue(longestPredicted >= 30, "what would have happened (about 40 ms): " + findings);
        System.out.printf(Locale.ROOT, "%s mode=%s %s: p50 %.2f ms, %d report lines, actions %s%n", jdk, mode, demo,
                run.p50(), findings.size(), actions);
    }

    @ParameterizedTest(name = "mode={0}")
    @MethodSource("everyFix")
    void interactiveAndNodelayAppsAreUnchanged(String mode) throws Exception {
        for (String demo : List.of("interactive", "wwr-client-nodelay", "write-once")) {
            Path report = newReport();
            Forked.Run run = Forked.demo(Jdks.current(), "mode=" + mode + ",report=" + report + ",log=warn", demo,
                    "--requests", "200");
            assertEquals(0, run.exit(), run.toString());
            assertEquals("ok", run.result().get("integrity"), run.toString());
            assertTrue(run.p50() < 5, demo + ": " + run.result());
            assertEquals(List.of(), Report.read(report), demo + " has nothing to fix");
        }
    }

    @Test
    void coalesceSendsOneSegmentPerRequestWhereNodelaySendsTwo() throws Exception {
        double off = dataSegmentsPerRequest(null);
        double nodelay = dataSegmentsPerRequest("mode=nodelay,log=warn");
        double coalesce = dataSegmentsPerRequest("mode=coalesce,log=warn");
        System.out.printf(Locale.ROOT, "data segments per request: off %.2f, nodelay %.2f, coalesce %.2f%n", off,
                nodelay, coalesce);
        assertTrue(off >= 1.8 && off <= 2.2, "two writes with Nagle: two segments " + off);
        assertTrue(nodelay >= 1.8 && nodelay <= 2.2, "nodelay sends each write: " + nodelay);
        assertTrue(coalesce >= 0.9 && coalesce <= 1.2, "coalesce sends each request once: " + coalesce);
    }

    private static double dataSegmentsPerRequest(String agentArgs) throws Exception {
        Forked.Run run = Forked.demo(Jdks.current(), agentArgs, "wwr-client", "--requests", "200", "--segments");
        assertEquals(0, run.exit(), run.toString());
        String v = run.result().get("data_segs_per_req");
        assertNotNull(v, "ss must report data_segs_out (iproute2, which .ci/run installs): " + run);
        return Double.parseDouble(v);
    }

    /**
     * A gross-regression guard, not a measurement: the throughput figure is the benchmark's. Single runs here span
     * 26 to 63 MB/s for the same code, so the bound is wide: coalesce must keep three quarters of it (it was 0.9,
     * and a fresh run's medians came out at 0.89 with the pairs spread 36 to 55 MB/s either way).
     */
    @Test
    void bulkStreamKeepsMostOfItsThroughputUnderCoalesce() throws Exception {
        List<Double> off = new ArrayList<>();
        List<Double> coalesce = new ArrayList<>();
        // Interleaved, so drift on a shared machine hits both alike; five pairs.
        for (int i = 0; i < 5; i++) {
            off.add(bulkMbPerSecond(null));
            coalesce.add(bulkMbPerSecond("mode=coalesce,log=warn"));
        }
        double offMedian = median(off);
        double coalesceMedian = median(coalesce);
        System.out.printf(Locale.ROOT, "bulk-stream MB/s: off %s (median %.1f), coalesce %s (median %.1f), ratio %.2f%n",
                off, offMedian, coalesce, coalesceMedian, coalesceMedian / offMedian);
        assertTrue(coalesceMedian >= 0.75 * offMedian, "coalesce " + coalesce + " vs off " + off);
    }

    private static double bulkMbPerSecond(String agentArgs) throws Exception {
        Forked.Run run = Forked.demo(Jdks.current(), agentArgs, "bulk-stream", "--messages", "200000");
        assertEquals(0, run.exit(), run.toString());
        assertEquals("ok", run.result().get("integrity"), run.toString());
        return Double.parseDouble(run.result().get("mb_per_s"));
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v[v.length / 2];
    }

    @Test
    void scopeFlaggedFixesAConnectionFromItsFirstPredictedStall() throws Exception {
        Path report = newReport();
        Forked.Run run = Forked.demo(Jdks.current(), "mode=nodelay,scope=flagged,report=" + report + ",log=warn",
                "wwr-client", "--requests", "30");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.p50() < 5, run.result().toString());
        assertTrue(Report.read(report).stream().allMatch(f -> f.get("action").asText().equals("nodelay")));
        Forked.Run bulk = Forked.demo(Jdks.current(), "mode=nodelay,scope=flagged,log=info", "bulk-stream",
                "--messages", "20000");
        assertFalse(bulk.stderr().contains("stall avoided"), "an unflagged stream keeps Nagle: " + bulk.stderr());
    }

    @Test
    void includeAndExcludeChooseTheConnectionsThatAreFixed() throws Exception {
        assertTrue(wwrP50("mode=nodelay,include=127.0.0.1:*") < 5, "included");
        assertTrue(wwrP50("mode=nodelay,include=10.255.255.1:*") >= 30, "not included: left alone");
        assertTrue(wwrP50("mode=coalesce,exclude=127.0.0.1:*") >= 30, "excluded: left alone");
    }

    private static double wwrP50(String agentArgs) throws Exception {
        Forked.Run run = Forked.demo(Jdks.current(), agentArgs + ",log=warn", "wwr-client", "--requests", "12");
        assertEquals(0, run.exit(), run.toString());
        return run.p50();
    }

    @Test
    void nodelayModeUndoesAnApplicationTurningNagleBackOn() throws Exception {
        Path report = newReport();
        Forked.Run run = Forked.demo(Jdks.current(), "mode=nodelay,report=" + report, "wwr-client",
                "--nagle-after-connect", "--requests", "20");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.p50() < 5, "the stall must not come back: " + run.result());
        assertTrue(run.stderr().contains("WwrClient.run(WwrClient.java:") && run.stderr().contains(
                "turned TCP_NODELAY off") && run.stderr().contains("turned it back on"), run.stderr());
        for (JsonNode f : Report.read(report)) assertTrue(f.get("nodelay").asBoolean(), "truthful: " + f);
    }

    @Test
    void coalesceSendsAtAnExplicitFlushWithoutWaitingForARead() throws Exception {
        Forked.Run run = Forked.run(List.of(Jdks.current().java(),
                Forked.agentOption("mode=coalesce,maxDelay=1000ms,log=warn"), "-cp", TestClasspath.get(),
                "dev.tinygram.it.apps.FlushApp"));
        assertEquals(0, run.exit(), run.toString());
        assertEquals("true", run.result().get("received"), run.toString());
        assertTrue(Long.parseLong(run.result().get("after_ms")) < 100, "flush() sends at once, not after "
                + "maxDelay (1000 ms): " + run.result());
    }

    @Test
    void coalesceNeverHoldsBytesLongerThanMaxDelay() throws Exception {
        // no read and no flush(): write through the socket's own stream and wait
        Forked.Run run = Forked.run(List.of(Jdks.current().java(),
                Forked.agentOption("mode=coalesce,maxDelay=20ms,log=warn"), "-cp", TestClasspath.get(),
                "dev.tinygram.it.apps.FlushApp", "--no-flush"));
        assertEquals(0, run.exit(), run.toString());
        assertEquals("true", run.result().get("received"), run.toString());
        long after = Long.parseLong(run.result().get("after_ms"));
        assertTrue(after >= 10 && after < 500, "sent by the timer, about maxDelay (20 ms) later: " + run.result());
    }

    @Test
    void nodelayModeFixesALibraryThatChoosesNagle() throws Exception {
        try {
            ExternalServer.executable("memcached");
        } catch (Exception e) {
            fail("needs memcached, which CI installs (.ci/run): " + e.getMessage());
        }
        // spymemcached with setUseNagleAlgorithm(true) turns TCP_NODELAY off on its channel before connecting
        List<String> command = new ArrayList<>(Arrays.asList(Jdks.current().java(),
                Forked.agentOption("mode=nodelay,log=warn"), "-cp", TestClasspath.get(),
                "dev.tinygram.it.thirdparty.SpymemcachedStall", "--requests", "15"));
        Forked.Run run = Forked.run(command);
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.p50() < 10, "no stall: " + run.result());
    }
}
