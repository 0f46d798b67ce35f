package dev.tinygram.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a child JVM, with or without the agent, and collects what it printed. */
public final class Forked {
    public static final Path AGENT_JAR = jar("tinygram.agentJar", "agent/target/tinygram-agent.jar");
    public static final Path DEMOS_JAR = jar("tinygram.demosJar", "demo-apps/target/tinygram-demos.jar");
    private static final long TIMEOUT_SECONDS = 120;

    /** What a child printed and how it ended. */
    public record Run(int exit, String stdout, String stderr) {
        /** The key=value pairs of its RESULT line. */
        public Map<String, String> result() {
            for (String line : stdout.split("\n")) {
                if (line.startsWith("RESULT ")) {
                    Map<String, String> values = new HashMap<>();
                    for (String pair : line.substring(7).trim().split(" ")) {
                        int eq = pair.indexOf('=');
                        if (eq > 0) values.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                    return values;
                }
            }
            throw new AssertionError("no RESULT line in:\n" + this);
        }

        public double p50() {
            return Double.parseDouble(result().get("p50_ms"));
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private Forked() {}

    /** {@code java [-javaagent:AGENT=agentArgs] -jar demos.jar demo args...}; agentArgs null means no agent. */
    public static Run demo(Jdks.Jdk jdk, String agentArgs, String... demoArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of(jdk.java()));
        if (agentArgs != null) command.add(agentOption(agentArgs));
        command.add("-jar");
        command.add(DEMOS_JAR.toString());
        command.addAll(List.of(demoArgs));
        return run(command);
    }

    public static String agentOption(String agentArgs) {
        return "-javaagent:" + AGENT_JAR + (agentArgs.isEmpty() ? "" : "=" + agentArgs);
    }

    public static Run run(List<String> command) throws Exception {
        return run(command, TIMEOUT_SECONDS);
    }

    /** As {@link #run(List)}, for a child that runs children of its own (the tour) and needs longer. */
    public static Run run(List<String> command, long timeoutSeconds) throws Exception {
        Path out = Files.createTempFile("tinygram-it-", ".out");
        Path err = Files.createTempFile("tinygram-it-", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    throw new AssertionError("timed out after " + timeoutSeconds + " s: " + command + "\n"
                            + Files.readString(err));
                }
            } finally {
                // a child that runs children of its own (the tour) leaves them behind unless they go first
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                if (p.isAlive()) p.destroyForcibly().waitFor();
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Path jar(String property, String fallback) {
        String configured = System.getProperty(property);
        Path path = configured != null ? Path.of(configured) : Path.of("..").resolve(fallback);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(path + " is missing: build it with mvn -B verify (or package) first");
        }
        return path.toAbsolutePath().normalize();
    }

    /** The line number of the source line of {@code demoClass} that carries {@code // tinygram:later-write}. */
    public static int laterWriteLine(String demoClass) throws IOException {
        Path source = Path.of("..", "demo-apps", "src", "main", "java", "dev", "tinygram", "demo", demoClass + ".java");
        List<String> lines = Files.readAllLines(source);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("// tinygram:later-write")) return i + 1;
        }
        throw new AssertionError("no '// tinygram:later-write' marker in " + source);
    }
}
