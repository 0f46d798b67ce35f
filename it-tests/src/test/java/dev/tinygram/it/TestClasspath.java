package dev.tinygram.it;

import java.io.File;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The classpath for child JVMs that run programs from the it-tests test sources: this JVM's
 * {@code java.class.path}, minus anything from the agent module, so the only copy of the agent a child sees is the
 * one {@code -javaagent} attaches (the shaded jar).
 */
public final class TestClasspath {
    private TestClasspath() {}

    public static String get() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.isEmpty())
                .filter(e -> !e.contains("tinygram-agent") && !e.replace('\\', '/').contains("/agent/target/"))
                .collect(Collectors.joining(File.pathSeparator));
    }
}
