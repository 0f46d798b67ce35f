package dev.tinygram.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tinygram.it.apps.OwnLibrariesApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An application that brings its own, older slf4j (1.7.36 + slf4j-simple) and byte-buddy (1.14.12) behaves the same
 * with the agent as without it: it sees its own versions, its own slf4j binding logs its line, its own byte-buddy
 * generates a working class; and the agent still reports the application's write-write-read at the application's
 * line.
 */
class OwnLibrariesIT {
    private static final String APP = OwnLibrariesApp.class.getName();
    private static final Path APP_SOURCE = Path.of("src", "test", "java", "dev", "tinygram", "it", "apps",
            "OwnLibrariesApp.java");

    static List<Jdks.Jdk> jdks() {
        return Jdks.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void applicationKeepsItsOwnLibrariesAndIsStillObserved(Jdks.Jdk jdk, @TempDir Path tmp) throws Exception {
        Forked.Run plain = Forked.run(List.of(jdk.java(), "-cp", TestClasspath.get(), APP));
        Path report = tmp.resolve("report.jsonl");
        Forked.Run agent = Forked.run(List.of(jdk.java(), Forked.agentOption("report=" + report), "-cp",
                TestClasspath.get(), APP));

        for (Forked.Run run : List.of(plain, agent)) {
            String which = run == plain ? "without the agent" : "with the agent";
            assertEquals(0, run.exit(), () -> which + ":\n" + run);
            Map<String, String> r = run.result();
            assertEquals("own-libraries", r.get("app"), which);
            assertEquals("true", r.get("ok"), () -> which + ":\n" + run);
            assertEquals("1.7.36", r.get("slf4j"), () -> which + ": the application's slf4j-api\n" + run);
            assertEquals("1.14.12", r.get("bytebuddy"), () -> which + ": the application's byte-buddy\n" + run);
            assertEquals("org.slf4j.impl.SimpleLoggerFactory", r.get("binding"), () -> which + ":\n" + run);
            assertTrue(run.stderr().contains("INFO " + APP + " - " + OwnLibrariesApp.LOG_MESSAGE),
                    () -> which + ": the application's slf4j-simple line is missing from stderr:\n" + run);
            // slf4j 1.7 complains on stderr ("SLF4J: ...") about missing or multiple bindings.
            assertFalse(run.stderr().lines().anyMatch(l -> l.startsWith("SLF4J:")),
                    () -> which + ": slf4j complained:\n" + run);
        }
        assertFalse(agent.stderr().contains("tinygram: could not start"), () -> "the agent did not start:\n" + agent);
        assertEquals(plain.result(), agent.result(), "the application must see the same libraries with the agent");

        int laterWrite = laterWriteLine();
        List<JsonNode> findings = Report.read(report);
        String sites = findings.stream().map(f -> f.get("callSite").asText() + " predictedStallMs="
                + f.get("predictedStallMs") + " observedWaitMs=" + f.get("observedWaitMs"))
                .collect(Collectors.joining("\n  ", "  ", ""));
        List<JsonNode> atApp = new ArrayList<>();
        for (JsonNode f : findings) {
            String site = f.get("callSite").asText();
            if (site.startsWith(APP + ".") && site.endsWith("(OwnLibrariesApp.java:" + laterWrite + ")")) atApp.add(f);
        }
        assertFalse(atApp.isEmpty(), () -> "no finding at OwnLibrariesApp.java:" + laterWrite + "; findings:\n"
                + sites + "\n" + agent);
        for (JsonNode f : atApp) {
            assertEquals("socket", f.get("api").asText(), f.toString());
            assertTrue(f.get("predictedStallMs").asDouble() > 0, f.toString());
        }
        System.out.println(jdk + " own-libraries: " + agent.result() + ", " + findings.size() + " findings:\n" + sites);
    }

    private static int laterWriteLine() throws Exception {
        List<String> lines = Files.readAllLines(APP_SOURCE);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("// tinygram:later-write")) return i + 1;
        }
        throw new AssertionError("no '// tinygram:later-write' marker in " + APP_SOURCE.toAbsolutePath());
    }
}
