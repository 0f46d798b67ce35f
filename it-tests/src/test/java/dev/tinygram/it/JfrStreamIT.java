package dev.tinygram.it;

import static org.junit.jupiter.api.Assertions.*;

import dev.tinygram.it.fleet.FreePort;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.management.jfr.RemoteRecordingStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * tinygram's JFR event read live from another JVM, as fleet tools read JFR: the stalling {@code wwr-client} demo
 * runs with tinygram and a JMX connector on a loopback port (no authentication, no TLS: a test on loopback only);
 * this test JVM connects, opens a {@link RemoteRecordingStream}, enables {@code dev.tinygram.WriteWriteRead}, and
 * must see the demo's stall arrive with its fields while the demo runs.
 */
class JfrStreamIT {
    static final String EVENT = "dev.tinygram.WriteWriteRead";
    private static final int WAIT_SECONDS = 60;

    static Stream<Jdks.Jdk> jdks() {
        return Jdks.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aSecondJvmStreamsTheStallEventLiveOverJmx(Jdks.Jdk jdk) throws Exception {
        long started = System.nanoTime();
        int jmxPort = FreePort.loopback();
        List<String> options = List.of(
                "-Dcom.sun.management.jmxremote.port=" + jmxPort,
                "-Dcom.sun.management.jmxremote.rmi.port=" + jmxPort,
                "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                "-Djava.rmi.server.hostname=127.0.0.1",
                "-Dcom.sun.management.jmxremote.authenticate=false",
                "-Dcom.sun.management.jmxremote.ssl=false",
                Forked.agentOption("log=warn"));
        String laterWrite = "(WwrClient.java:" + Forked.laterWriteLine("WwrClient") + ")";
        BlockingQueue<Map<String, Object>> events = new LinkedBlockingQueue<>();
        // the demo stops by itself after 120 s, should this test be killed before it closes it
        try (LiveDemo demo = new LiveDemo(jdk, options, "wwr-client", "--duration", "120");
             JMXConnector jmx = connect(jmxPort, demo);
             RemoteRecordingStream stream = new RemoteRecordingStream(jmx.getMBeanServerConnection())) {
            stream.enable(EVENT);
            stream.onEvent(EVENT, e -> events.add(fields(e)));   // copied out: an event is valid in its callback
            stream.startAsync();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            Map<String, Object> e = null;
            int seen = 0;
            while (e == null && System.nanoTime() < deadline) {
                Map<String, Object> next = events.poll(1, TimeUnit.SECONDS);
                if (next == null) continue;
                seen++;
                String site = (String) next.get("callSite");
                if (site != null && site.startsWith("dev.tinygram.demo.WwrClient.") && site.endsWith(laterWrite)) {
                    e = next;
                }
            }
            assertNotNull(e, "no " + EVENT + " at the demo's later write within " + WAIT_SECONDS + " s ("
                    + seen + " other events)\n" + demo);
            double firstAfter = (System.nanoTime() - started) / 1e9;

            assertEquals("write-write-read", e.get("kind"), e.toString());
            assertEquals("client", e.get("role"), e.toString());
            assertEquals("socket", e.get("api"), e.toString());
            assertEquals(false, e.get("nodelay"), e.toString());
            assertEquals("[16, 100]", e.get("writes"), e.toString());
            assertEquals(100L, e.get("heldBytes"), e.toString());
            assertEquals(true, e.get("predicted"), e.toString());
            assertEquals(true, e.get("confirmed"), e.toString());
            // the peer's 40 ms delayed-ACK timer, with the wide margin DemoFindingsIT allows
            assertTrue((Double) e.get("predictedStallMs") >= 30, e.toString());
            assertTrue((Double) e.get("observedWaitMs") >= 30, e.toString());
            assertEquals("observe", e.get("mode"), e.toString());
            assertEquals("none", e.get("action"), e.toString());
            assertTrue(List.of("model", "kernel").contains(e.get("evidence")), e.toString());
            assertTrue(((String) e.get("local")).startsWith("127.0.0.1:"), e.toString());
            assertTrue(((String) e.get("remote")).startsWith("127.0.0.1:"), e.toString());
            assertTrue(((String) e.get("stack")).contains("WwrClient"), "the held write's stack: " + e);
            assertTrue(((String) e.get("jfrStack")).contains("dev.tinygram.demo."),
                    "JFR's own stack, of the thread whose read waited: " + e);
            System.out.printf("JfrStreamIT on %s: first %s event at the demo's later write after %.1f s (predicted"
                            + " %.1f ms, observed %.1f ms, evidence %s)%n", jdk, EVENT, firstAfter,
                    e.get("predictedStallMs"), e.get("observedWaitMs"), e.get("evidence"));
        }
    }

    /** The demo's JMX connector, once it listens (bounded): the JVM opens it before main, but not at once. */
    private static JMXConnector connect(int port, LiveDemo demo) throws Exception {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try {
                return JMXConnectorFactory.connect(url);
            } catch (IOException notYet) {
                last = notYet;
                Thread.sleep(200);
            }
        }
        throw new AssertionError("no JMX connector at " + url + " within 30 s: " + last + "\n" + demo);
    }

    private static Map<String, Object> fields(RecordedEvent e) {
        Map<String, Object> m = new HashMap<>();
        for (String name : List.of("kind", "local", "remote", "api", "role", "writes", "callSite", "stack",
                "evidence", "mode", "action")) {
            m.put(name, e.getString(name));
        }
        m.put("nodelay", e.getBoolean("nodelay"));
        m.put("predicted", e.getBoolean("predicted"));
        m.put("confirmed", e.getBoolean("confirmed"));
        m.put("heldBytes", e.getLong("heldBytes"));
        m.put("predictedStallMs", e.getDouble("predictedStallMs"));
        m.put("observedWaitMs", e.getDouble("observedWaitMs"));
        StringBuilder frames = new StringBuilder();
        if (e.getStackTrace() != null) {
            for (RecordedFrame f : e.getStackTrace().getFrames()) {
                frames.append(f.getMethod().getType().getName()).append('.').append(f.getMethod().getName())
                        .append('\n');
            }
        }
        m.put("jfrStack", frames.toString());
        return m;
    }
}
