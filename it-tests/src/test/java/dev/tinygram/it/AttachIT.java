package dev.tinygram.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.tools.attach.VirtualMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.management.Attribute;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * "My service has a 40 ms p99 and I cannot restart it": attach to a running JVM, fix its open connection, switch
 * modes, detach; read the counters over JMX; record the findings with JFR; and fail clearly on bad input.
 */
class AttachIT {

    static List<Jdks.Jdk> jdks() {
        return Jdks.all();
    }

    private static Forked.Run cli(Jdks.Jdk jdk, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(jdk.java(), "-jar", Forked.AGENT_JAR.toString()));
        command.addAll(List.of(args));
        return Forked.run(command);
    }

    private static Path newReport() throws Exception {
        Path p = Files.createTempFile("tinygram-attach-", ".jsonl");
        Files.delete(p);
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void liveAttachFixesTheOpenConnectionAndDetachGivesItBack(Jdks.Jdk jdk) throws Exception {
        Path report = newReport();
        try (LiveDemo demo = new LiveDemo(jdk, List.of(), "wwr-client", "--duration", "14")) {
            demo.awaitSecond(p50 -> p50 >= 30, 10, "the stall (p50 >= 30 ms)");
            assertTrue(demo.nextSecond(5) >= 30, "still stalling before the attach");

            Forked.Run attach = cli(jdk, "attach", String.valueOf(demo.pid()), "mode=coalesce,report=" + report);
            assertEquals(0, attach.exit(), attach.toString());
            assertTrue(attach.stdout().contains("findings go to") && attach.stdout().contains(report.toString()),
                    attach.stdout());
            demo.awaitSecond(p50 -> p50 < 5, 6, "the fix (p50 < 5 ms)");
            assertTrue(demo.nextSecond(5) < 5, "fixed on the same open connection");

            Forked.Run detach = cli(jdk, "detach", String.valueOf(demo.pid()));
            assertEquals(0, detach.exit(), detach.toString());
            demo.awaitSecond(p50 -> p50 >= 30, 6, "the stall back after detach (p50 >= 30 ms)");

            Forked.Run end = demo.finish(30);
            assertEquals(0, end.exit(), end.toString());
            assertEquals("ok", end.result().get("integrity"), "no data lost across attach and detach: " + end);
            assertTrue(end.stderr().contains("detached on request"), end.stderr());
        }
        List<JsonNode> findings = Report.read(report);
        assertTrue(findings.stream().anyMatch(f -> f.get("action").asText().equals("coalesced")
                && f.get("callSite").asText().contains("dev.tinygram.demo.WwrClient")), findings.toString());
    }

    /**
     * maxDelay changes live: a connection whose writes wait for the flush timer (no read, no flush) goes from
     * about 100 ms to about 2 ms per message on the same open connection. The timer, and the connection's
     * coalescer, are rebuilt for the new maxDelay.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void attachWithAnotherMaxDelayChangesTheFlushTickLive(Jdks.Jdk jdk) throws Exception {
        try (LiveDemo app = LiveDemo.ofApp(jdk, List.of(Forked.agentOption("mode=coalesce,maxDelay=100ms,log=info")),
                dev.tinygram.it.apps.TimerApp.class, "--duration", "14")) {
            app.awaitSecond(p50 -> p50 >= 60, 6, "messages held about maxDelay=100ms (p50 >= 60 ms)");
            Forked.Run attach = cli(jdk, "attach", String.valueOf(app.pid()), "mode=coalesce,maxDelay=2ms");
            assertEquals(0, attach.exit(), attach.toString());
            app.awaitSecond(p50 -> p50 >= 0 && p50 < 30, 6, "messages sent about maxDelay=2ms later (p50 < 30 ms)");
            assertTrue(app.nextSecond(5) < 30, "the new tick holds on the same open connection");
            Forked.Run end = app.finish(30);
            assertEquals(0, end.exit(), end.toString());
            assertTrue(end.stderr().contains("tinygram reconfigured: mode=coalesce, maxDelay=2000us"), end.stderr());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void attachingAgainSwitchesTheModeWithoutHookingTwice(Jdks.Jdk jdk) throws Exception {
        try (LiveDemo demo = new LiveDemo(jdk, List.of(), "wwr-client", "--duration", "12")) {
            demo.awaitSecond(p50 -> p50 >= 30, 10, "the stall");
            assertEquals(0, cli(jdk, "attach", String.valueOf(demo.pid()), "mode=observe").exit());
            assertTrue(demo.nextSecond(5) >= 30 && demo.nextSecond(5) >= 30, "observe changes nothing");
            Forked.Run second = cli(jdk, "attach", String.valueOf(demo.pid()), "mode=nodelay");
            assertEquals(0, second.exit(), second.toString());
            demo.awaitSecond(p50 -> p50 < 5, 6, "the fix after switching to nodelay");
            Forked.Run status = cli(jdk, "status", String.valueOf(demo.pid()));
            assertEquals(0, status.exit(), status.toString());
            assertTrue(status.stdout().contains("mode=nodelay"), status.stdout());
            String err = demo.stderr();
            assertEquals(1, err.lines().filter(l -> l.contains("hooked") && l.contains("methods")).count(),
                    "installed once: " + err);
            assertTrue(err.contains("reconfigured: mode=nodelay"), err);
            Forked.Run end = demo.finish(30);
            assertEquals("ok", end.result().get("integrity"), end.toString());
            // hooked once: each request is one write-write-read, not two
            long requests = Long.parseLong(end.result().get("requests"));
            assertTrue(end.stderr().lines().filter(l -> l.contains("summary: dev.tinygram.demo.WwrClient"))
                    .allMatch(l -> count(l) <= requests + 10), end.stderr());
        }
    }

    private static long count(String summaryLine) {
        String after = summaryLine.substring(summaryLine.indexOf("): ") + 3);
        return Long.parseLong(after.substring(0, after.indexOf(' ')));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void jmxShowsTheCountersAndSettingTheModeTakesEffect(Jdks.Jdk jdk) throws Exception {
        try (LiveDemo demo = new LiveDemo(jdk, List.of(Forked.agentOption("log=warn")), "wwr-client", "--duration",
                "12")) {
            demo.awaitSecond(p50 -> p50 >= 30, 10, "the stall");
            demo.nextSecond(5);
            VirtualMachine vm = VirtualMachine.attach(String.valueOf(demo.pid()));
            String address;
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
            try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                MBeanServerConnection server = jmx.getMBeanServerConnection();
                ObjectName name = new ObjectName("dev.tinygram:type=Agent");
                assertEquals("observe", server.getAttribute(name, "Mode"));
                assertTrue((Long) server.getAttribute(name, "StallsPredicted") > 0);
                assertTrue((Long) server.getAttribute(name, "StallsConfirmed") > 0);
                assertTrue((Long) server.getAttribute(name, "ConnectionsTracked") >= 2, "client and server side");
                server.setAttribute(name, new Attribute("Mode", "coalesce"));
                demo.awaitSecond(p50 -> p50 < 5, 6, "the fix after setting Mode=coalesce over JMX");
                assertEquals("coalesce", server.getAttribute(name, "Mode"));
                assertTrue((Long) server.getAttribute(name, "WritesCoalesced") > 0);
            }
            Forked.Run end = demo.finish(30);
            assertEquals("ok", end.result().get("integrity"), end.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void jfrRecordingHoldsTheFindings(Jdks.Jdk jdk) throws Exception {
        Path recording = Files.createTempFile("tinygram-", ".jfr");
        Forked.Run run = Forked.run(List.of(jdk.java(), "-XX:StartFlightRecording=filename=" + recording,
                Forked.agentOption("log=warn"), "-jar", Forked.DEMOS_JAR.toString(), "wwr-client", "--requests", "8"));
        assertEquals(0, run.exit(), run.toString());
        Forked.Run print = Forked.run(List.of(jdk.home().resolve("bin/jfr").toString(), "print", "--json", "--events",
                "dev.tinygram.WriteWriteRead", recording.toString()));
        assertEquals(0, print.exit(), print.toString());
        JsonNode events = new ObjectMapper().readTree(print.stdout()).path("recording").path("events");
        assertTrue(events.size() >= 5, "one event per predicted stall: " + print.stdout());
        JsonNode values = null;
        for (JsonNode e : events) {
            // the demo's server, in the same JVM, records the same stall as an inbound one
            if (e.get("values").path("kind").asText().equals("write-write-read")) {
                values = e.get("values");
                break;
            }
        }
        assertNotNull(values, "a write-write-read event: " + print.stdout());
        for (String field : List.of("kind", "local", "remote", "api", "nodelay", "writes", "heldBytes",
                "predictedStallMs", "observedWaitMs", "confirmed", "callSite", "stack", "mode", "action",
                "stackTrace")) {
            assertTrue(values.has(field), field + " in " + values);
        }
        assertTrue(values.get("callSite").asText().startsWith("dev.tinygram.demo.WwrClient"), values.toString());
        assertTrue(values.get("predictedStallMs").asDouble() >= 30, "about the 40 ms timer: " + values);
        Files.deleteIfExists(recording);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void badPidOrBadOptionsGetAClearErrorAndLeaveTheTargetAlone(Jdks.Jdk jdk) throws Exception {
        Forked.Run none = cli(jdk, "attach", "99999999");
        assertEquals(1, none.exit(), none.toString());
        assertTrue(none.stderr().contains("99999999: no such process"), none.stderr());
        Forked.Run word = cli(jdk, "attach", "abc");
        assertEquals(2, word.exit(), word.toString());
        assertTrue(word.stderr().contains("bad PID 'abc'"), word.stderr());
        Forked.Run notJvm = cli(jdk, "status", "1");
        assertNotEquals(0, notJvm.exit(), notJvm.toString());
        assertTrue(notJvm.stderr().startsWith("tinygram: ") && notJvm.stderr().contains("1"), notJvm.stderr());

        try (LiveDemo demo = new LiveDemo(jdk, List.of(), "wwr-client", "--duration", "5")) {
            demo.awaitSecond(p50 -> p50 >= 30, 10, "the stall");
            Forked.Run bad = cli(jdk, "attach", String.valueOf(demo.pid()), "mode=coalesce,mss=lots");
            assertEquals(2, bad.exit(), bad.toString());
            assertTrue(bad.stderr().contains("bad value 'lots' for option 'mss'")
                    && bad.stderr().contains("nothing was sent to " + demo.pid()), bad.stderr());
            assertTrue(demo.nextSecond(5) >= 30, "the target goes on as before");
            Forked.Run end = demo.finish(30);
            assertEquals(0, end.exit(), end.toString());
            assertEquals("ok", end.result().get("integrity"), end.toString());
            assertFalse(end.stderr().contains("tinygram"), "nothing reached the target: " + end.stderr());
        }
    }
}
