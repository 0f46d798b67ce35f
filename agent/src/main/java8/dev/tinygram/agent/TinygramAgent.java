package dev.tinygram.agent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points. {@code premain} (-javaagent at start) and {@code agentmain} (attach to a running
 * JVM) share one path, do as little as possible here, and never let anything escape to the application.
 *
 * <p>Compiled for Java 8 (src/main/java8): a Java 8 or 11 JVM must be able to load this class, hear in one line
 * that tinygram needs 17, and go on. So only {@link #start} names a class compiled for 17, and it runs only past
 * the version check; JarContentsIT reads the shipped class file to hold that. This class must not touch the
 * bootstrap bridge either: it is loaded before the bridge is injected.
 */
public final class TinygramAgent {
    private TinygramAgent() {}

    public static void premain(String args, Instrumentation inst) {
        enter(System.getProperty("java.specification.version"), args, inst);
    }

    public static void agentmain(String args, Instrumentation inst) {
        enter(System.getProperty("java.specification.version"), args, inst);
    }

    /** Checks the running Java's {@code version} against the floor, then starts; any failure is one line. */
    static void enter(String version, String args, Instrumentation inst) {
        try {
            String refusal = JavaFloor.refusal(version, "the application runs without tinygram");
            if (refusal != null) {
                System.err.println(refusal);
                return;
            }
            start(args, inst);
        } catch (Throwable t) {
            System.err.println("tinygram: could not start (" + t + "); the application runs without tinygram");
        }
    }

    /** The one method that names the agent compiled for 17: called only once the floor check has passed. */
    private static synchronized void start(String args, Instrumentation inst) throws Exception {
        AgentRuntime.start(args, inst);
    }
}
