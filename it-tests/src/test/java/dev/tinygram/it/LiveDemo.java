package dev.tinygram.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A demo running in the background for a while ({@code --duration}), whose per-second p50 lines are collected as
 * they come, so a test can attach to it, change things, and watch the effect on the same open connection.
 */
final class LiveDemo implements AutoCloseable {
    private static final Pattern SECOND = Pattern.compile("SECOND (\\d+) p50_ms=([0-9.]+)");

    private final Process process;
    private final Path stderr;
    private final List<String> stdout = new ArrayList<>();
    private final List<Double> p50s = new ArrayList<>();
    private final Thread reader;

    LiveDemo(Jdks.Jdk jdk, List<String> jvmOptions, String... demoArgs) throws IOException {
        this(command(jdk, jvmOptions, List.of("-jar", Forked.DEMOS_JAR.toString()), demoArgs));
    }

    /** A program of the it-tests' own ({@code apps}), run the same way. */
    static LiveDemo ofApp(Jdks.Jdk jdk, List<String> jvmOptions, Class<?> main, String... args) throws IOException {
        return new LiveDemo(command(jdk, jvmOptions, List.of("-cp", TestClasspath.get(), main.getName()), args));
    }

    private static List<String> command(Jdks.Jdk jdk, List<String> jvmOptions, List<String> what, String... args) {
        List<String> command = new ArrayList<>(List.of(jdk.java()));
        command.addAll(jvmOptions);
        command.addAll(what);
        command.addAll(List.of(args));
        return command;
    }

    private LiveDemo(List<String> command) throws IOException {
        stderr = Files.createTempFile("tinygram-live-", ".err");
        process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    synchronized (this) {
                        stdout.add(line);
                        Matcher m = SECOND.matcher(line);
                        if (m.find()) p50s.add(Double.parseDouble(m.group(2)));
                        notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    long pid() {
        return process.pid();
    }

    /** Waits for the next per-second p50 after those already seen; fails after {@code seconds}. */
    synchronized double nextSecond(int seconds) throws InterruptedException {
        int seen = p50s.size();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (p50s.size() == seen) {
            long left = end - System.nanoTime();
            if (left <= 0) throw new AssertionError("no per-second line within " + seconds + " s:\n" + this);
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        return p50s.get(p50s.size() - 1);
    }

    /** Waits until a per-second p50 satisfies {@code test}; returns it, or fails after {@code seconds}. */
    double awaitSecond(java.util.function.DoublePredicate test, int seconds, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            double p50 = nextSecond(seconds);
            if (test.test(p50)) return p50;
        }
        throw new AssertionError("no second with " + what + " within " + seconds + " s:\n" + this);
    }

    /** Waits for the demo to finish and returns its whole output. */
    Forked.Run finish(int seconds) throws Exception {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the demo did not finish in " + seconds + " s:\n" + this);
        }
        reader.join(5_000);
        synchronized (this) {
            return new Forked.Run(process.exitValue(), String.join("\n", stdout), Files.readString(stderr));
        }
    }

    String stderr() throws IOException {
        return Files.readString(stderr);
    }

    @Override
    public synchronized String toString() {
        try {
            return "--- stdout\n" + String.join("\n", stdout) + "\n--- stderr\n" + Files.readString(stderr);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(stderr);
    }
}
