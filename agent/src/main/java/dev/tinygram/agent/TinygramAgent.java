package dev.tinygram.agent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points. {@code premain} (-javaagent at start) and {@code agentmain} (attach to a running
 * JVM) share one path, do as little as possible here, and never let anything escape to the application.
 * This class must not touch the bootstrap bridge: it is loaded before the bridge is injected.
 */
public final class TinygramAgent {
    private TinygramAgent() {}

    public static void premain(String args, Instrumentation inst) {
        start(args, inst);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst);
    }

    private static synchronized void start(String args, Instrumentation inst) {
        try {
            AgentRuntime.start(args, inst);
        } catch (Throwable t) {
            System.err.println("tinygram: could not start (" + t + "); the application runs without tinygram");
        }
    }
}
