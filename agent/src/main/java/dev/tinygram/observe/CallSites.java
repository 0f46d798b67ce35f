package dev.tinygram.observe;

import java.util.ArrayList;
import java.util.List;

/**
 * Captures where the application made a write. Used only for the first held write of a burst, the write a
 * stall is blamed on, never for every write.
 *
 * <p>A frame is the JDK's when its module is one of the JDK's ({@code java.*}, {@code jdk.*}), not when its
 * package looks like one: Jakarta Mail's {@code com.sun.mail}, {@code javax.jms} and {@code com.sun.jersey} are
 * application code on the class path, in the unnamed module. A frame without module information falls back to
 * its package, and then only to packages nobody but the JDK defines (see {@link #isJdk}).
 */
public final class CallSites {
    private static final String[] AGENT_PREFIXES = {
        "dev.tinygram.bootstrap.", "dev.tinygram.observe.", "dev.tinygram.agent.", "dev.tinygram.hooks.",
        "dev.tinygram.fix.", "dev.tinygram.tracker.", "dev.tinygram.conn.", "dev.tinygram.shaded.",
    };

    private final int depth;

    public CallSites(int depth) {
        this.depth = depth;
    }

    /** The current stack, without the agent's own frames, at most {@code depth} frames. */
    public List<StackTraceElement> capture() {
        return elements(captureCheaply());
    }

    /**
     * The current stack as the JVM's own backtrace, decoded only by {@link #elements}: about 1 us for twenty
     * frames, where a {@link StackWalker} walk takes ten, and much more while it is still cold (it runs once in a
     * hundred requests). For a write, where the time between two of the application's writes must stay short;
     * the decoding can wait until a finding is made, after the read.
     */
    public Throwable captureCheaply() {
        return new Backtrace();
    }

    /** The captured stack's frames, without the agent's own, at most {@code depth} of them. */
    public List<StackTraceElement> elements(Throwable captured) {
        StackTraceElement[] frames = captured.getStackTrace();
        List<StackTraceElement> stack = new ArrayList<>(Math.min(depth, frames.length));
        for (StackTraceElement frame : frames) {
            if (isAgent(frame.getClassName())) continue;
            stack.add(frame);
            if (stack.size() == depth) break;
        }
        return stack;
    }

    /** A backtrace and nothing else: no message, no cause, no suppressed exceptions. */
    private static final class Backtrace extends Throwable {
        private static final long serialVersionUID = 1L;

        Backtrace() {
            super(null, null, false, true);
        }
    }

    /** {@code Class.method(File.java:line)} of the first frame outside the JDK and the agent. */
    public static String callSite(List<StackTraceElement> stack) {
        for (StackTraceElement frame : stack) {
            if (!isJdk(frame) && !isAgent(frame.getClassName())) return format(frame);
        }
        return stack.isEmpty() ? "unknown" : format(stack.get(stack.size() - 1));
    }

    /** Like {@link StackTraceElement#toString()}, without module and loader names. */
    public static String format(StackTraceElement frame) {
        String where = frame.getFileName() == null ? "Unknown Source"
                : frame.getLineNumber() >= 0 ? frame.getFileName() + ":" + frame.getLineNumber() : frame.getFileName();
        return frame.getClassName() + "." + frame.getMethodName() + "(" + where + ")";
    }

    private static boolean isAgent(String className) {
        for (String prefix : AGENT_PREFIXES) {
            if (className.startsWith(prefix)) return true;
        }
        return false;
    }

    /**
     * The JDK's by its module. Without one: {@code java.*}, which no other loader may define (a made-up frame), and
     * the reflection accessors the JDK generates into {@code jdk.internal.reflect} in loaders of their own.
     */
    public static boolean isJdk(StackTraceElement frame) {
        String module = frame.getModuleName();
        if (module != null) return module.startsWith("java.") || module.startsWith("jdk.");
        String name = frame.getClassName();
        return name.startsWith("java.") || name.startsWith("jdk.internal.reflect.");
    }
}
