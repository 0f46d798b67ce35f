package dev.tinygram.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server in a child JVM that prints {@code PORT n} and then {@code LISTENING}: started, waited for (bounded),
 * and always stopped. {@link #stop} asks politely first, so an agent in it writes what its report still holds.
 */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final StringBuilder said = new StringBuilder();
    private final int port;

    ServerProcess(List<String> command) throws Exception {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            port = awaitPort();
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    int port() {
        return port;
    }

    /** What it printed up to LISTENING. */
    String said() {
        return said.toString();
    }

    /** A polite stop, then a forced one if it does not end within 10 s. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) close();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
    }

    /** Reads the server's output up to LISTENING (bounded), and returns the port of its PORT line. */
    private int awaitPort() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        int found = -1;
        while (System.nanoTime() < deadline) {
            if (in.ready()) {
                String line = in.readLine();
                if (line == null) break;
                said.append(line).append('\n');
                if (line.startsWith("PORT ")) found = Integer.parseInt(line.substring(5).trim());
                if (line.equals("LISTENING") && found > 0) return found;
            } else if (!process.isAlive()) {
                break;
            } else {
                Thread.sleep(10);
            }
        }
        throw new IllegalStateException("the server did not start: " + said);
    }
}
