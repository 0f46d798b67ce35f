package dev.tinygram.callsites;

import static org.junit.jupiter.api.Assertions.*;

import dev.tinygram.observe.CallSites;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Call sites are the application's frames, with file and line, below the agent's own. */
class CallSitesTest {
    private final CallSites callSites = new CallSites(8);

    private List<StackTraceElement> fromSiteA() {
        return callSites.capture();
    }

    private List<StackTraceElement> fromSiteB() {
        return callSites.capture();
    }

    @Test
    void theFirstFrameIsTheCallerWithItsLine() {
        List<StackTraceElement> stack = fromSiteA();
        assertEquals(CallSitesTest.class.getName(), stack.get(0).getClassName());
        assertEquals("fromSiteA", stack.get(0).getMethodName());
        assertTrue(stack.get(0).getLineNumber() > 0);
        assertEquals("theFirstFrameIsTheCallerWithItsLine", stack.get(1).getMethodName());
        assertTrue(CallSites.callSite(stack).startsWith("dev.tinygram.callsites.CallSitesTest.fromSiteA(CallSitesTest.java:"),
                CallSites.callSite(stack));
    }

    @Test
    void anotherLineIsAnotherStack() {
        List<StackTraceElement> a = fromSiteA();
        List<StackTraceElement> b = fromSiteB();
        List<StackTraceElement> a2 = fromSiteA();   // same method, but called from another line here
        assertNotEquals(a.get(0), b.get(0));
        assertEquals(a.get(0), a2.get(0));
        assertNotEquals(a.get(1).getLineNumber(), a2.get(1).getLineNumber(), "the caller's line tells them apart");
    }

    @Test
    void depthIsRespected() {
        assertEquals(2, new CallSites(2).capture().size());
    }
}
