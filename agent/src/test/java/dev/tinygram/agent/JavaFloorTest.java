package dev.tinygram.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinygram.hooks.HookTargets;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The version check the entry classes make before anything compiled for 17 is loaded. */
class JavaFloorTest {

    @Test
    void readsTheFeatureReleaseOfOldAndNewVersionStrings() {
        assertEquals(8, JavaFloor.feature("1.8"));
        assertEquals(7, JavaFloor.feature("1.7"));
        assertEquals(11, JavaFloor.feature("11"));
        assertEquals(16, JavaFloor.feature("16"));
        assertEquals(17, JavaFloor.feature("17"));
        assertEquals(25, JavaFloor.feature("25"));
        assertEquals(26, JavaFloor.feature("26-ea"));
        assertEquals(-1, JavaFloor.feature(null));
        assertEquals(-1, JavaFloor.feature(""));
        assertEquals(-1, JavaFloor.feature("unknown"));
        assertEquals(-1, JavaFloor.feature("1."));
    }

    @Test
    void refusesBelowTheFloorNamingTheVersionAndTheFloor() {
        for (String old : new String[] {"1.8", "11", "16"}) {
            String line = JavaFloor.refusal(old, "the application runs without tinygram");
            String feature = old.equals("1.8") ? "8" : old;
            assertEquals("tinygram: this is Java " + feature + ", below tinygram's floor of Java 17; the application"
                    + " runs without tinygram", line);
        }
    }

    @Test
    void startsAtOrAboveTheFloorAndWhenTheVersionIsUnreadable() {
        assertNull(JavaFloor.refusal("17", "x"));
        assertNull(JavaFloor.refusal("21", "x"));
        assertNull(JavaFloor.refusal("25", "x"));
        assertNull(JavaFloor.refusal("garbled", "x"), "an unreadable version tries the start path, which fails in one line");
        assertNull(JavaFloor.refusal(System.getProperty("java.specification.version"), "x"), "this JVM is supported");
    }

    @Test
    void theFloorIsTheHookTablesFirstJdk() {
        assertEquals(HookTargets.supportedFloor(), JavaFloor.FLOOR);
    }

    /** Through the entry itself: on Java 11 it prints the one line and never reaches the agent (no Instrumentation). */
    @Test
    void theEntryOnAnOldJavaPrintsOneLineAndReturns() {
        String said = stderrOf(() -> TinygramAgent.enter("11", "mode=observe", null));
        assertEquals("tinygram: this is Java 11, below tinygram's floor of Java 17; the application runs without"
                + " tinygram" + System.lineSeparator(), said);
        String java8 = stderrOf(() -> TinygramAgent.enter("1.8", null, null));
        assertTrue(java8.startsWith("tinygram: this is Java 8, below"), java8);
        assertEquals(1, java8.lines().count(), java8);
    }

    private static String stderrOf(Runnable r) {
        PrintStream was = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(was);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
