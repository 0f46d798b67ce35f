package dev.tinygram.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tinygram.it.thirdparty.ExternalServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real third-party clients that send one message with several writes, run in a forked JVM with the agent in observe
 * mode against real local servers (the JDK HTTP server, redis-server, memcached).
 *
 * <p>Stalling configuration (Nagle on): the stall is still there (observe changes nothing) and the report names the
 * library's own write as the call site. {@code --nodelay} configuration (same split writes, TCP_NODELAY on): fast,
 * and no finding predicts a stall. redis-server and memcached are required: .ci/run installs them, so a missing
 * server fails the test instead of skipping it.
 */
class ThirdPartyClientsIT {
    private static final int REQUESTS = 15;

    /** One stalling program and what its report must say. */
    enum Client {
        HTTPCLIENT4("HttpClient4Stall", null, "socket", "org.apache.http.", null),
        // OkHttp writes through okio (a separate library it depends on): the frame that calls the socket is okio's;
        // the stack above it must still reach okhttp3.
        OKHTTP("OkHttpStall", null, "socket", "okio.", "okhttp3."),
        JEDIS("JedisStall", "redis", "socket", "redis.clients.jedis.", null),
        // spymemcached writes from its own I/O thread through a SocketChannel.
        SPYMEMCACHED("SpymemcachedStall", "memcached", "channel", "net.spy.memcached.", null);

        final String mainClass;
        final String server;
        final String api;
        final String callSitePrefix;
        final String stackAlsoHas;

        Client(String program, String server, String api, String callSitePrefix, String stackAlsoHas) {
            this.mainClass = "dev.tinygram.it.thirdparty." + program;
            this.server = server;
            this.api = api;
            this.callSitePrefix = callSitePrefix;
            this.stackAlsoHas = stackAlsoHas;
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Jdks.Jdk jdk : Jdks.all()) {
            for (Client client : Client.values()) {
                cases.add(Arguments.of(jdk, client));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void stallingConfigurationIsReportedAtTheLibrarysWrite(Jdks.Jdk jdk, Client client, @TempDir Path tmp)
            throws Exception {
        Path report = tmp.resolve("report.jsonl");
        Forked.Run run = runClient(jdk, client, report, false);
        assertEquals(0, run.exit(), () -> "program failed:\n" + run);
        double p50 = run.p50();
        assertTrue(p50 >= 30, () -> "observe mode must not remove the stall: p50 " + p50 + " ms\n" + run);

        List<JsonNode> findings = Report.read(report);
        String summary = summary(findings);
        for (JsonNode f : findings) {
            if (f.get("kind").asText().equals("inbound-write-write-read")) {
                // the test's own server, in this JVM, waited for the rest of the library's split request
                assertEquals("server", f.get("role").asText(), summary);
                assertTrue(f.get("confirmed").asBoolean(), summary);
                continue;
            }
            assertEquals("write-write-read", f.get("kind").asText(), summary);
            assertEquals("observe", f.get("mode").asText(), summary);
            assertFalse(isJdkFrame(f.get("callSite").asText()),
                    () -> "call site is a JDK frame, not the code that wrote:\n" + summary);
        }
        List<JsonNode> stalls = findings.stream()
                .filter(f -> f.get("kind").asText().equals("write-write-read"))
                .filter(f -> f.get("predictedStallMs").asDouble() >= 30)
                .filter(f -> f.get("observedWaitMs").asDouble() >= 30)
                .filter(f -> f.get("callSite").asText().startsWith(client.callSitePrefix))
                .collect(Collectors.toList());
        assertFalse(stalls.isEmpty(), () -> "no write-write-read with predictedStallMs >= 30, observedWaitMs >= 30 and a call"
                + " site in " + client.callSitePrefix + "* (p50 " + p50 + " ms):\n" + summary + "\n" + run.stderr());
        for (JsonNode f : stalls) {
            assertEquals(client.api, f.get("api").asText(), summary);
            assertFalse(f.get("nodelay").asBoolean(), summary);
            assertTrue(f.get("writes").size() >= 2, summary);
            if (client.stackAlsoHas != null) {
                boolean found = false;
                for (JsonNode frame : f.get("stack")) {
                    found |= frame.asText().startsWith(client.stackAlsoHas);
                }
                assertTrue(found, () -> "no " + client.stackAlsoHas + "* frame in the stack:\n" + f);
            }
        }
        System.out.printf(Locale.ROOT, "%s %s nagle: p50 %.2f ms, %d findings, call sites %s%n", jdk, client, p50,
                findings.size(), findings.stream().map(f -> f.get("callSite").asText()).distinct()
                        .collect(Collectors.toList()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void nodelayConfigurationIsFastAndNotReported(Jdks.Jdk jdk, Client client, @TempDir Path tmp) throws Exception {
        Path report = tmp.resolve("report.jsonl");
        Forked.Run run = runClient(jdk, client, report, true);
        assertEquals(0, run.exit(), () -> "program failed:\n" + run);
        double p50 = run.p50();
        List<JsonNode> findings = Report.read(report);
        String summary = summary(findings);
        assertTrue(p50 < 10, () -> "TCP_NODELAY configuration should not stall: p50 " + p50 + " ms\n" + summary
                + "\n" + run);
        List<JsonNode> predicted = findings.stream().filter(f -> f.get("predictedStallMs").asDouble() > 0)
                .collect(Collectors.toList());
        assertTrue(predicted.isEmpty(), () -> "false positive: the connection has TCP_NODELAY, yet findings predict"
                + " a stall:\n" + summary);
        System.out.printf(Locale.ROOT, "%s %s nodelay: p50 %.2f ms, %d findings%n", jdk, client, p50,
                findings.size());
    }

    private static Forked.Run runClient(Jdks.Jdk jdk, Client client, Path report, boolean nodelay) throws Exception {
        if (client.server != null) {
            try {
                ExternalServer.executable(client.server);
            } catch (IOException e) {
                fail(client + " needs the " + client.server + " server, which CI installs (.ci/run): " + e.getMessage());
            }
        }
        // The nodelay run logs at info so the test can see that the agent started: no findings must mean "no stall",
        // not "no agent".
        String log = nodelay ? "info" : "warn";
        List<String> command = new ArrayList<>(List.of(jdk.java(), Forked.agentOption("report=" + report + ",log=" + log),
                "-cp", TestClasspath.get(), client.mainClass, "--requests", String.valueOf(REQUESTS)));
        if (nodelay) command.add("--nodelay");
        Forked.Run run = Forked.run(command);
        assertFalse(run.stderr().contains("tinygram: could not start"), () -> "the agent did not start:\n" + run);
        if (nodelay) {
            assertTrue(run.stderr().lines().anyMatch(l -> l.startsWith("INFO tinygram") && l.contains("mode=observe")),
                    () -> "no startup line from the agent (log=info):\n" + run);
        }
        return run;
    }

    static boolean isJdkFrame(String frame) {
        return Stream.of("java.", "javax.", "jdk.", "sun.", "com.sun.").anyMatch(frame::startsWith);
    }

    private static String summary(List<JsonNode> findings) {
        if (findings.isEmpty()) return "(no findings)";
        StringBuilder b = new StringBuilder();
        for (JsonNode f : findings) {
            b.append(String.format(Locale.ROOT, "  %s api=%s nodelay=%s writes=%s predictedStallMs=%s"
                            + " observedWaitMs=%s confirmed=%s occurrences=%s%n", f.get("callSite").asText(),
                    f.get("api").asText(), f.get("nodelay"), f.get("writes"), f.get("predictedStallMs"),
                    f.get("observedWaitMs"), f.get("confirmed"), f.get("occurrences")));
        }
        return b.toString();
    }
}
