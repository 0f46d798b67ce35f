package dev.tinygram.demo.bench;

import dev.tinygram.demo.Demos;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Child JVMs of the same JDK, running a demo from the same jar, optionally with the agent. */
final class Children {

    /** Outcome of one child process; {@code result} is its last {@code RESULT k=v} line, parsed. */
    record Run(int exit, boolean timedOut, Map<String, String> result, List<String> stdout, List<String> stderr,
               long wallNanos) {
        boolean failed() {
            return timedOut || exit != 0;
        }

        double num(String key) {
            String v = result.get(key);
            return v == null ? Double.NaN : Double.parseDouble(v);
        }

        String why() {
            String tail = stderr.isEmpty() ? "" : ": " + stderr.get(stderr.size() - 1);
            return timedOut ? "timed out" : "exit " + exit + tail;
        }
    }

    final String java;
    final Path self;
    final Path agent;

    Children(Path agent) throws URISyntaxException {
        this.java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        this.self = Path.of(Children.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toAbsolutePath();
        this.agent = agent != null ? agent.toAbsolutePath()
                : self.getParent().resolve("../../agent/target/tinygram-agent.jar").normalize();
    }

    /** {@code java [jvmArgs] [-javaagent:AGENT=agentArgs] <demos> demo args...}; no agent when agentArgs is null. */
    List<String> demo(List<String> jvmArgs, String agentArgs, String demo, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmArgs);
        if (agentArgs != null) {
            cmd.add("-javaagent:" + agent + (agentArgs.isEmpty() ? "" : "=" + agentArgs));
        }
        if (Files.isDirectory(self)) {
            cmd.addAll(List.of("-cp", self.toString(), Demos.class.getName()));
        } else {
            cmd.addAll(List.of("-jar", self.toString()));
        }
        cmd.add(demo);
        cmd.addAll(args);
        return cmd;
    }

    /** {@code java -jar AGENT args...}: the agent's own command line (attach, detach). */
    List<String> agentCli(String... args) {
        List<String> cmd = new ArrayList<>(List.of(java, "-jar", agent.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs a command to completion (or the timeout), timing it from start to exit. */
    static Run run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("tinygram-bench-", ".out");
        Path err = Files.createTempFile("tinygram-bench-", ".err");
        try {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            boolean timedOut = !p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (timedOut) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            long wall = System.nanoTime() - t0;
            List<String> stdout = Files.readAllLines(out, StandardCharsets.UTF_8);
            String last = null;
            for (String line : stdout) {
                if (line.startsWith("RESULT ")) last = line;
            }
            return new Run(p.isAlive() ? -1 : p.exitValue(), timedOut, parse(last), stdout,
                    Files.readAllLines(err, StandardCharsets.UTF_8), wall);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A {@code RESULT k=v ...} line as a map; empty for null. */
    static Map<String, String> parse(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        if (line == null) return m;
        for (String tok : line.substring("RESULT ".length()).trim().split("\\s+")) {
            int eq = tok.indexOf('=');
            if (eq > 0) m.put(tok.substring(0, eq), tok.substring(eq + 1));
        }
        return m;
    }
}
