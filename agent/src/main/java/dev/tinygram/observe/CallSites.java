package dev.tinygram.observe;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Captures where the application made a write. Used only for the first held write of a burst, the write a
 * stall is blamed on, never for every write.
 */
public final class CallSites {
    private static final StackWalker WALKER = StackWalker.getInstance();
    private static final String[] PLATFORM_PREFIXES = {
        "java.", "javax.", "jdk.", "sun.", "com.sun.",
        "dev.tinygram.bootstrap.", "dev.tinygram.observe.", "dev.tinygram.agent.", "dev.tinygram.hooks.",
        "dev.tinygram.fix.", "dev.tinygram.tracker.", "dev.tinygram.conn.", "dev.tinygram.shaded.",
    };

    private final int depth;

    public CallSites(int depth) {
        this.depth = depth;
    }

    /** The current stack, without the agent's own frames, at most {@code depth} frames. */
    public List<StackTraceElement> capture() {
        return WALKER.walk(frames -> frames
                .filter(f -> !isAgent(f.getClassName()))
                .limit(depth)
                .map(StackWalker.StackFrame::toStackTraceElement)
                .collect(Collectors.toList()));
    }

    /** {@code Class.method(File.java:line)} of the first frame outside the JDK and the agent. */
    public static String callSite(List<StackTraceElement> stack) {
        for (StackTraceElement frame : stack) {
            if (!isPlatform(frame.getClassName())) return format(frame);
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
        return className.startsWith("dev.tinygram.") && !className.startsWith("dev.tinygram.demo.")
                && isPlatform(className);
    }

    private static boolean isPlatform(String className) {
        for (String prefix : PLATFORM_PREFIXES) {
            if (className.startsWith(prefix)) return true;
        }
        return false;
    }
}
