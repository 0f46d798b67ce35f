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

    /** Jakarta Mail's com.sun.mail is the application's, on the class path: the JDK is told by module. */
    @Test
    void jdkFramesAreToldByModuleNotByPackage() {
        List<StackTraceElement> stack = List.of(
                new StackTraceElement(null, "java.base", "17", "sun.nio.ch.NioSocketImpl", "write",
                        "NioSocketImpl.java", 436),
                new StackTraceElement(null, "java.base", "17", "java.io.OutputStream", "write", "OutputStream.java",
                        127),
                new StackTraceElement("app", null, null, "com.sun.mail.util.TraceOutputStream", "write",
                        "TraceOutputStream.java", 160),
                new StackTraceElement("app", null, null, "com.example.Mailer", "send", "Mailer.java", 42));
        assertEquals("com.sun.mail.util.TraceOutputStream.write(TraceOutputStream.java:160)",
                CallSites.callSite(stack));
        List<StackTraceElement> jms = List.of(
                new StackTraceElement("app", null, null, "javax.jms.MessageProducer", "send", "X.java", 1));
        assertEquals("javax.jms.MessageProducer.send(X.java:1)", CallSites.callSite(jms));
        assertTrue(CallSites.isJdk(new StackTraceElement(null, "jdk.httpserver", "17",
                "sun.net.httpserver.ServerImpl", "run", "ServerImpl.java", 1)));
    }

    @Test
    void aWalkedStackHasModules() {
        List<StackTraceElement> stack = new CallSites(64).capture();
        assertTrue(stack.stream().anyMatch(CallSites::isJdk), "junit runs through java.base's reflection: " + stack);
        assertFalse(CallSites.isJdk(stack.get(0)), stack.get(0).toString());
    }

    private Throwable backtraceAtSiteC() {
        return callSites.captureCheaply();
    }

    /** Captured on the write path, decoded after the read: the frames are those of the capture. */
    @Test
    void aBacktraceIsDecodedLaterIntoTheFramesWhereItWasCaptured() {
        Throwable captured = backtraceAtSiteC();
        List<StackTraceElement> stack = callSites.elements(captured);
        assertEquals("backtraceAtSiteC", stack.get(0).getMethodName(), stack.toString());
        assertEquals("aBacktraceIsDecodedLaterIntoTheFramesWhereItWasCaptured", stack.get(1).getMethodName());
        assertNull(captured.getMessage());
        assertNull(captured.getCause());
    }

    @Test
    void depthIsRespected() {
        assertEquals(2, new CallSites(2).capture().size());
    }
}
