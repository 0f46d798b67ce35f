package dev.tinygram.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PredictCommandTest {

    private record Run(int status, String out, String err) {
        double predictedStallMs() {
            Matcher m = Pattern.compile("\"predictedStallMs\":([0-9.]+)").matcher(out);
            assertTrue(m.find(), out);
            return Double.parseDouble(m.group(1));
        }

        String kind() {
            Matcher m = Pattern.compile("\"kind\":\"([a-z-]+)\",\"stall\"").matcher(out);
            String last = null;
            while (m.find()) last = m.group(1);
            assertNotNull(last, out);
            return last;
        }

        boolean stall() {
            assertTrue(out.contains("\"stall\":"), out);
            return out.startsWith("{") && out.contains(",\"stall\":true");
        }
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Commands.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void twoSmallWritesThenReadPredictAStallOfAtLeast40MsUnderLinux() {
        Run r = run("predict", "--profile", "linux", "--json", "w100", "w100", "r");
        assertEquals(0, r.status());
        assertTrue(r.stall(), r.out());
        assertTrue(r.predictedStallMs() >= 40, r.out());
    }

    @Test
    void oneWriteOf200BytesPredictsNoStall() {
        Run r = run("predict", "--profile", "linux", "--json", "w200", "r");
        assertFalse(r.stall(), r.out());
        assertEquals(0, r.predictedStallMs());
    }

    /** Linux sends 1448 B segments on a 1500 B MTU: a 1448 B write is a full segment, and nothing waits behind it. */
    @Test
    void theDefaultMssIsEthernetsAsLinuxUsesIt() {
        Run r = run("predict", "--profile", "linux", "--json", "w1448", "w100", "r");
        assertFalse(r.stall(), r.out());
        assertTrue(r.out().contains("\"mss\":1448"), r.out());
        assertTrue(run("predict", "--profile", "linux", "--mss", "1460", "--json", "w1448", "w100", "r").stall(),
                "at 1460 the first write is a small segment, and the second waits behind it");
    }

    @Test
    void oneWriteOf100000BytesPredictsNoStall() {
        assertFalse(run("predict", "--profile", "linux", "--json", "w100000", "r").stall());
        assertFalse(run("predict", "--profile", "linux", "--mss", "65483", "--json", "w100000", "r").stall());
    }

    @Test
    void rfc896PredictsTheStallLinuxAvoidsBehindAFullSegment() {
        Run r = run("predict", "--profile", "rfc896", "--mss", "65483", "--json", "w100000", "r");
        assertTrue(r.stall(), r.out());
        assertEquals(200, r.predictedStallMs(), 1);
    }

    @Test
    void nodelayPredictsNoStall() {
        assertFalse(run("predict", "--profile", "linux", "--nodelay", "--json", "w100", "w100", "r").stall());
    }

    @Test
    void gapLongerThanTheTimerLetsTheHeldBytesGoBeforeTheRead() {
        assertFalse(run("predict", "--profile", "linux", "--json", "w100", "w100", "+50ms", "r").stall());
        assertTrue(run("predict", "--profile", "linux", "--json", "w100", "w100", "+10ms", "r").stall());
    }

    /** 3000 + 3000 at MSS 1448: the second write's 104 B tail waits one round trip, no delayed ACK involved. */
    @Test
    void twoLargeWritesOnALongPathAreANagleHold() {
        Run r = run("predict", "--profile", "linux", "--rtt", "20", "--json", "w3000", "w3000", "r");
        assertEquals("nagle-hold", r.kind(), r.out());
        assertFalse(r.stall(), r.out());
        assertEquals(20, r.predictedStallMs(), 0.5, r.out());
        Run text = run("predict", "--profile", "linux", "--rtt", "20", "w3000", "w3000", "r");
        assertTrue(text.out().contains("verdict: NAGLE HOLD"), text.out());
    }

    @Test
    void aNagleHoldUnderMinStallIsNoVerdict() {
        Run r = run("predict", "--profile", "linux", "--rtt", "0.2", "--json", "w3000", "w3000", "r");
        assertEquals("none", r.kind(), "a 0.2 ms hold is under the default 1 ms: " + r.out());
        Run low = run("predict", "--profile", "linux", "--rtt", "0.2", "--min-stall", "0.1", "--json", "w3000",
                "w3000", "r");
        assertEquals("nagle-hold", low.kind(), low.out());
    }

    /** 1 B every 5 ms: the first delayed ACK takes the peer out of pingpong mode, so the end does not stall. */
    @Test
    void sparseSmallWritesEndWithoutADelayedAckStall() {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("predict", "--profile", "linux",
                "--rtt", "20", "--json"));
        for (int i = 0; i < 20; i++) {
            if (i > 0) args.add("+5ms");
            args.add("w1");
        }
        args.add("r");
        Run r = run(args.toArray(new String[0]));
        assertFalse(r.stall(), r.out());
        Run text = run(args.stream().filter(a -> !a.equals("--json")).toArray(String[]::new));
        assertTrue(text.out().contains("leaves interactive (pingpong) mode"), text.out());
    }

    @Test
    void badMinStallIsAUsageError() {
        Run r = run("predict", "--min-stall", "-1", "w1", "r");
        assertNotEquals(0, r.status());
        assertTrue(r.err().contains("--min-stall"), r.err());
    }

    @Test
    void textOutputShowsTimelineAndVerdict() {
        Run r = run("predict", "--profile", "linux", "w100", "w100", "r");
        assertTrue(r.out().contains("held"), r.out());
        assertTrue(r.out().contains("delays its ACK"), r.out());
        assertTrue(r.out().contains("verdict: STALL"), r.out());
    }

    @Test
    void badEventNamesTheTokenAndExits2() {
        Run r = run("predict", "w100", "x5", "r");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("'x5'"), r.err());
        assertTrue(r.err().contains("usage:"), r.err());
    }

    @Test
    void badOptionValuesNameTheValueAndExit2() {
        Run mss = run("predict", "--mss", "ten", "w1", "r");
        assertEquals(2, mss.status());
        assertTrue(mss.err().contains("'ten'"), mss.err());
        Run profile = run("predict", "--profile", "bsd", "w1", "r");
        assertEquals(2, profile.status());
        assertTrue(profile.err().contains("'bsd'"), profile.err());
        Run unknown = run("predict", "--fast", "w1");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("'--fast'"), unknown.err());
        assertEquals(2, run("predict", "w0", "r").status());
        assertEquals(2, run("predict").status());
    }

    @Test
    void unknownCommandExits2() {
        Run r = run("frobnicate");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("'frobnicate'"));
    }
}
