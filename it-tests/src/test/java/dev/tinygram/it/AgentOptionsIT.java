package dev.tinygram.it;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Options, their errors, and the start-up line, against a real forked JVM. */
class AgentOptionsIT {

    private static Forked.Run wwr(String agentArgs, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of(Jdks.current().java()));
        command.addAll(List.of(jvmOptions));
        if (agentArgs != null) command.add(Forked.agentOption(agentArgs));
        command.addAll(List.of("-jar", Forked.DEMOS_JAR.toString(), "wwr-client", "--requests", "4"));
        return Forked.run(command);
    }

    private static Path newReportPath() throws Exception {
        Path p = Files.createTempFile("tinygram-options-", ".jsonl");
        Files.delete(p);
        return p;
    }

    private static void assertAppRanUnharmed(Forked.Run run) {
        assertEquals(0, run.exit(), run.toString());
        assertEquals("ok", run.result().get("integrity"), run.toString());
    }

    @Test
    void startUpLineSaysVersionModeHooksAndJdk() throws Exception {
        Forked.Run run = wwr("");
        assertAppRanUnharmed(run);
        String line = run.stderr().lines().filter(l -> l.contains("hooked")).findFirst().orElseThrow(
                () -> new AssertionError("no start-up line: " + run.stderr()));
        assertTrue(line.matches(".*tinygram \\S+: mode=observe.*hooked \\d+ methods \\(channel, selector, socket, stream\\) "
                + "on JDK " + Runtime.version().feature() + ".*self-test passed.*"), line);
        assertFalse(run.stderr().contains("WARNING"), "no JVM warnings: " + run.stderr());
    }

    @Test
    void unknownKeyIsNamedAndTheAppRunsWithoutTheAgent() throws Exception {
        Path report = newReportPath();
        Forked.Run run = wwr("report=" + report + ",colour=blue");
        assertAppRanUnharmed(run);
        assertTrue(run.stderr().contains("unknown option 'colour'"), run.stderr());
        assertTrue(run.stderr().contains("not installed"), run.stderr());
        assertFalse(run.stderr().contains("hooked"), "the agent must not install: " + run.stderr());
        assertFalse(Files.exists(report));
    }

    @Test
    void badValueIsNamedWithItsKey() throws Exception {
        Forked.Run run = wwr("mss=lots");
        assertAppRanUnharmed(run);
        assertTrue(run.stderr().contains("bad value 'lots' for option 'mss'"), run.stderr());
        Forked.Run mode = wwr("mode=turbo");
        assertAppRanUnharmed(mode);
        assertTrue(mode.stderr().contains("bad value 'turbo' for option 'mode'"), mode.stderr());
    }

    @Test
    void systemPropertiesOverrideAgentArguments() throws Exception {
        Path fromArgs = newReportPath();
        Path fromProperty = newReportPath();
        Forked.Run run = wwr("report=" + fromArgs, "-Dtinygram.report=" + fromProperty);
        assertAppRanUnharmed(run);
        assertFalse(Files.exists(fromArgs), "the property wins");
        assertFalse(Report.read(fromProperty).isEmpty(), run.toString());
        Forked.Run off = wwr("", "-Dtinygram.mode=off");
        assertAppRanUnharmed(off);
        assertTrue(off.stderr().contains("mode=off, nothing installed"), off.stderr());
        assertFalse(off.stderr().contains("write-write-read"), off.stderr());
    }

    @Test
    void unknownSystemPropertyIsNamedToo() throws Exception {
        Forked.Run run = wwr("", "-Dtinygram.colour=blue");
        assertAppRanUnharmed(run);
        assertTrue(run.stderr().contains("unknown option 'colour'"), run.stderr());
    }

    @Test
    void unwritableReportPathIsAnErrorButLoggingGoesOn() throws Exception {
        Forked.Run run = wwr("report=/nonexistent-dir/tinygram/report.jsonl");
        assertAppRanUnharmed(run);
        assertTrue(run.stderr().contains("cannot write the report to /nonexistent-dir/tinygram/report.jsonl"),
                run.stderr());
        assertTrue(run.stderr().contains("write-write-read stall at dev.tinygram.demo.WwrClient"), run.stderr());
        assertTrue(run.stderr().contains("summary:"), run.stderr());
    }

    @Test
    void logLineCarriesSizesPredictionMeasurementCallSiteAndFix() throws Exception {
        Path report = newReportPath();
        Forked.Run run = wwr("report=" + report);
        assertAppRanUnharmed(run);
        // the demo's server, in the same JVM, also reports the stall inbound: "inbound write-write-read stall at"
        String line = run.stderr().lines().filter(l -> l.contains("tinygram - write-write-read stall at")).findFirst()
                .orElseThrow(() -> new AssertionError(run.stderr()));
        assertTrue(line.matches(".*WARN tinygram - write-write-read stall at dev\\.tinygram\\.demo\\.WwrClient\\..*"
                + "\\(WwrClient\\.java:\\d+\\) on socket 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:\\d+: writes \\[16, 100\\] B, "
                + "100 B held.*predicted stall \\d+\\.\\d ms.*measured wait \\d+\\.\\d ms.*Fix: .*one write.*"
                + "setTcpNoDelay.*"), line);
        assertEquals(1, run.stderr().lines().filter(l -> l.contains("tinygram - write-write-read stall at")).count(),
                "later occurrences on the same connection and call site are rate-limited");
        List<JsonNode> findings = Report.read(report);
        assertTrue(findings.size() >= 1 && findings.get(0).get("occurrences").asLong() == 1, findings.toString());
        assertTrue(Report.isOwnerOnly(report));
    }
}
