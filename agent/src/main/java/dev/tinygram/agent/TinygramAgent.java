package dev.tinygram.agent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points. {@code premain} (-javaagent at start) and {@code agentmain} (attach to a running
 * JVM) share one path, do as little as possible here, and never let anything escape to the application.
 * The bridge and its sink type go into the boot loader first, before any class that names them is loaded: the
 * verifier of a class that passes a {@code Tracker} as an {@code EventSink} loads {@code EventSink} through the
 * agent's loader, and a copy there would not be the boot loader's. This class itself must not name them.
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
            BootstrapInjector.inject(inst);
            AgentRuntime.start(args, inst);
        } catch (Throwable t) {
            System.err.println("tinygram: could not start (" + t + "); the application runs without tinygram");
        }
    }
}
