package dev.tinygram.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Quick in-process runs of the non-stalling demos and the command-line error paths. */
class DemosTest {

    private record Outcome(int status, String out, String err) {
        Map<String, String> result() {
            String last = null;
            for (String line : out.split("\n")) {
                if (line.startsWith("RESULT ")) {
                    last = line;
                }
            }
            return Result.parse(last);
        }
    }

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Demos.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void interactiveRunsAndPrintsOneResultLine() {
        Outcome o = run("interactive", "--requests", "5", "--warmup", "1", "--quiet");
        assertEquals(0, o.status(), o.err());
        assertEquals(1, o.out().lines().count(), o.out());
        Map<String, String> r = o.result();
        assertEquals("interactive", r.get("demo"));
        assertEquals("5", r.get("requests"));
        assertEquals("ok", r.get("integrity"));
        assertTrue(r.get("p50_ms").matches("\\d+\\.\\d\\d\\d"), r.toString());
    }

    @Test
    void bulkStreamVerifiesEverything() {
        Outcome o = run("bulk-stream", "--messages", "500", "--quiet");
        assertEquals(0, o.status(), o.err());
        Map<String, String> r = o.result();
        assertEquals("500", r.get("messages"));
        assertEquals(String.valueOf(501 * Codec.HEADER_BYTES + 500 * BulkStream.PAYLOAD_BYTES), r.get("bytes"));
        assertEquals("ok", r.get("integrity"));
    }

    @Test
    void badCommandLinesExitWithTwoAndNameTheToken() {
        Outcome unknownDemo = run("no-such-demo");
        assertEquals(2, unknownDemo.status());
        assertTrue(unknownDemo.err().contains("no-such-demo"));
        assertTrue(unknownDemo.err().contains("usage:"));

        Outcome unknownOption = run("wwr-client", "--frobnicate");
        assertEquals(2, unknownOption.status());
        assertTrue(unknownOption.err().contains("--frobnicate"));

        Outcome badValue = run("wwr-client", "--requests", "lots");
        assertEquals(2, badValue.status());
        assertTrue(badValue.err().contains("lots"));

        assertEquals(2, run().status());
    }

    @Test
    void helpExitsZero() {
        Outcome o = run("--help");
        assertEquals(0, o.status());
        for (Demo d : Demos.ALL) {
            assertTrue(o.out().contains(d.name()), d.name());
        }
    }
}
