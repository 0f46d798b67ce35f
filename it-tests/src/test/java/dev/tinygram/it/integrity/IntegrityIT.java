package dev.tinygram.it.integrity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tinygram.it.Forked;
import dev.tinygram.it.Jdks;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Nothing written is lost, duplicated or reordered, and errors reach the application as IOExceptions (not silence,
 * not a hang), with the agent in every mode and without it. {@link IntegrityApp} runs randomized connections in a
 * forked JDK 17: writer threads with a verifying reader, write-then-read batches, close with data pending, peer
 * resets before and mid-stream, peers that stop reading (close and SO_TIMEOUT from another thread, a neighbour
 * connection's small write), a reader that pauses while the pipe fills both ways, writes after half-close and after
 * close; through java.net.Socket streams and blocking
 * SocketChannels (and, for coalescing, SSLSocket, and virtual threads on the newest JDK). {@link KillPeerClient}
 * sees its peer process killed mid-stream. Each case also checks that the agent ran for the whole run (it prints a
 * "tinygram:" line when it stands down) and did what its mode says to TCP_NODELAY, which the app never sets.
 *
 * <p>{@code -Dtinygram.it.integrity.matrixConnections=N} sets the size of each mode x API run (default and minimum
 * 1,000, in CI). {@code -Dtinygram.it.integrity.connections=N} adds a long coalesce run of N connections with
 * seeds of its own, for a soak (not in CI: it is skipped without the property).
 * Every case has a fixed seed, printed with its result: rerun one by hand with the same arguments.
 */
class IntegrityIT {
    static final int MATRIX = Math.max(1000, Integer.getInteger("tinygram.it.integrity.matrixConnections", 1000));
    static final Integer LONG_RUN = Integer.getInteger("tinygram.it.integrity.connections");
    static final List<String> MODES = List.of("off", "observe", "nodelay", "coalesce");
    static final List<String> APIS = List.of("socket", "channel");

    static Stream<Arguments> modesAndApis() {
        return MODES.stream().flatMap(m -> APIS.stream().map(a -> Arguments.of(m, a)));
    }

    @ParameterizedTest(name = "mode={0} api={1}")
    @MethodSource("modesAndApis")
    void nothingIsLostDuplicatedOrReorderedAndErrorsReachTheApp(String mode, String api) throws Exception {
        runMixed(mode, "", api, MATRIX, seed(mode, api, 1));
    }

    @Test
    void coalesceWithMaxDelay500us() throws Exception {
        runMixed("coalesce", ",maxDelay=500us", "socket", MATRIX, seed("coalesce-500us", "socket", 2));
    }

    @Test
    void coalesceLongRun() throws Exception {
        Assumptions.assumeTrue(LONG_RUN != null, "a soak: run with -Dtinygram.it.integrity.connections=N");
        runMixed("coalesce", "", "socket", LONG_RUN, seed("coalesce-long", "socket", 3));
    }

    /** SSLSocket writes its TLS records through the socket the agent coalesces: a byte out of place fails the MAC. */
    @Test
    void coalesceUnderTls() throws Exception {
        runMixed(Jdks.current(), "coalesce", "", "ssl", 150, seed("coalesce", "ssl", 6), List.of());
    }

    /**
     * SocketChannels coalesced in the kernel (TCP_CORK, JDK 22+): the same randomized suite with the channel API, on
     * the newest JDK beside this one. The connections of the first ~130 ms get TCP_NODELAY alone (the kernel's
     * module is not open yet) and are corked from their next write on; the log must say corking was in force.
     */
    @Test
    void coalesceCorksChannelsOnTheNewestJdk() throws Exception {
        Jdks.Jdk newest = Jdks.all().get(Jdks.all().size() - 1);
        Assumptions.assumeTrue(newest.feature() >= 22, "no JDK 22+ beside " + Jdks.current());
        Forked.Run run = runMixed(newest, "coalesce", ",log=info", "channel", MATRIX,
                seed("coalesce-cork", "channel", 9), List.of());
        assertTrue(run.stderr().contains("in the kernel, with TCP_CORK"), "corking was in force: " + run.stderr()
                .lines().filter(l -> l.contains("tinygram")).limit(10).collect(Collectors.joining("\n")));
    }

    /** The same on the newest JDK beside this one (21+), every thread of the app virtual. */
    @Test
    void coalesceWithVirtualThreadsOnTheNewestJdk() throws Exception {
        Jdks.Jdk newest = Jdks.all().get(Jdks.all().size() - 1);
        Assumptions.assumeTrue(newest.feature() >= 21, "no JDK 21+ beside " + Jdks.current());
        runMixed(newest, "coalesce", "", "socket", 300, seed("coalesce-virtual", "socket", 7),
                List.of("--threads", "virtual"));
    }

    /**
     * Another thread closes a socket while a writer is blocked on a peer that stopped reading (close() must return,
     * the writer get an IOException), or the app writes after its own close(): the app gets its IOException, and the
     * agent, which sees these operations too, must keep running (run apart from the rest: the agent is JVM-wide).
     */
    @ParameterizedTest(name = "mode={0} api={1}")
    @MethodSource("modesAndApis")
    void socketsClosedUnderTheAppGiveIOExceptionsAndKeepTheAgentRunning(String mode, String api) throws Exception {
        runMixed(Jdks.current(), mode, "", api, 24, seed(mode, api, 8),
                List.of("--scenarios", "stall-close,write-after-close"));
    }

    /**
     * The checks can fail: the in-process server corrupts one byte of an echo or a sink, drops one, doubles one,
     * or never resets, on every connection whose id ends in 5. Exactly those connections must fail.
     */
    @ParameterizedTest(name = "inject={0}")
    @ValueSource(strings = {"flip", "drop", "dup", "noreset"})
    void theChecksCatchInjectedFaults(String inject) throws Exception {
        int connections = 60;
        List<String> cmd = new ArrayList<>(List.of(Jdks.current().java(), "-cp", classpath(),
                IntegrityApp.class.getName(), "--api", "socket", "--connections", String.valueOf(connections),
                "--seed", "77", "--inject", inject, "--reset-deadline-ms", "2000"));
        Forked.Run run = run(cmd, 120);
        Map<String, String> r = run.result();
        System.out.println("integrity inject=" + inject + ": " + resultLine(run));
        assertEquals(1, run.exit(), () -> "an injected fault went unnoticed:\n" + run);
        int failures = Integer.parseInt(r.get("failures"));
        assertTrue(failures >= 1, () -> run.toString());
        List<String> failed = run.stderr().lines().filter(l -> l.startsWith("integrity FAILURE: connection "))
                .collect(Collectors.toList());
        assertEquals(Math.min(failures, 10), failed.size(), () -> run.toString());
        for (String line : failed) {
            String id = line.substring("integrity FAILURE: connection ".length()).split(" ")[0];
            assertTrue(id.endsWith("5"), () -> "a connection without an injected fault failed: " + line + "\n" + run);
        }
        if (inject.equals("noreset")) {
            assertTrue(failed.stream().allMatch(l -> l.contains("no IOException")), () -> run.toString());
        }
    }

    /**
     * A peer in another JVM is killed (destroyForcibly) while the client writes and reads through the agent, with
     * bytes buffered under mode=coalesce: every connection's application must get an IOException, none before the
     * kill, all within 10 s of it, and what came back before it must be intact.
     */
    @ParameterizedTest(name = "mode={0} api={1}")
    @MethodSource("modesAndApis")
    void killedPeerGivesTheAppAnIOException(String mode, String api) throws Exception {
        Path peerErr = Files.createTempFile("tinygram-it-peer-", ".err");
        Path clientErr = Files.createTempFile("tinygram-it-kill-", ".err");
        Process peer = null;
        Process client = null;
        try {
            peer = new ProcessBuilder(Jdks.current().java(), "-cp", classpath(), PeerServer.class.getName())
                    .redirectError(peerErr.toFile()).start();
            BlockingQueue<String> peerOut = lines(peer);
            String portLine = peerOut.poll(30, TimeUnit.SECONDS);
            assertTrue(portLine != null && portLine.startsWith("PORT "), () -> "the peer server did not start: "
                    + portLine + "\n" + read(peerErr));
            List<String> cmd = new ArrayList<>(List.of(Jdks.current().java()));
            if (!mode.equals("off")) cmd.add(Forked.agentOption("mode=" + mode + ",log=warn"));
            cmd.addAll(List.of("-cp", classpath(), IntegrityApp.class.getName(), "--scenario", "kill-peer", "--api",
                    api, "--port", portLine.substring(5).trim(), "--connections", "8", "--seed",
                    String.valueOf(seed(mode, api, 4))));
            client = new ProcessBuilder(cmd).redirectError(clientErr.toFile()).start();
            BlockingQueue<String> out = lines(client);
            List<String> stdout = new ArrayList<>();
            String line;
            while ((line = out.poll(40, TimeUnit.SECONDS)) != null && !line.startsWith("STREAMING")
                    && !line.startsWith("RESULT") && !line.equals(EOF)) {
                stdout.add(line);
            }
            String first = line;
            assertTrue(first != null && first.startsWith("STREAMING"), () -> "the client never streamed: " + first
                    + "\n" + stdout + "\n" + read(clientErr));
            stdout.add(first);
            long delayMs = 200 + seed(mode, api, 5) % 200;
            Thread.sleep(delayMs);
            peer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            long killed = System.nanoTime();
            boolean exited = client.waitFor(40, TimeUnit.SECONDS);
            long exitMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            while ((line = out.poll(exited ? 5 : 0, TimeUnit.SECONDS)) != null && !line.equals(EOF)) stdout.add(line);
            Forked.Run run = new Forked.Run(exited ? client.exitValue() : -1, String.join("\n", stdout),
                    read(clientErr));
            assertTrue(exited, () -> "the client was still running 40 s after its peer was killed:\n" + run);
            Map<String, String> r = run.result();
            System.out.println("integrity kill-peer mode=" + mode + " api=" + api + ": killed " + delayMs
                    + " ms after STREAMING, client exited " + exitMs + " ms after the kill: " + resultLine(run));
            stdout.stream().filter(l -> l.startsWith("kill-peer")).forEach(l -> System.out.println("  " + l));
            assertAgentRanCleanly(mode, run);
            assertEquals("true", r.get("sawIOException"), () -> "an application thread never got an IOException:\n"
                    + run);
            assertEquals("0", r.get("failures"), () -> run.toString());
            assertEquals(0, run.exit(), () -> run.toString());
            long min = Long.parseLong(r.get("min_first_ioe_ms"));
            long max = Long.parseLong(r.get("max_first_ioe_ms"));
            assertTrue(min >= delayMs - 50, () -> "an IOException " + min + " ms after STREAMING, before the peer"
                    + " was killed at " + delayMs + " ms:\n" + run);
            assertTrue(max <= delayMs + 10_000, () -> "an IOException only " + (max - delayMs)
                    + " ms after the kill:\n" + run);
        } finally {
            if (client != null) client.destroyForcibly();
            if (peer != null) peer.destroyForcibly();
            Files.deleteIfExists(peerErr);
            Files.deleteIfExists(clientErr);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static void runMixed(String mode, String extraOptions, String api, int connections, long seed)
            throws Exception {
        runMixed(Jdks.current(), mode, extraOptions, api, connections, seed, List.of());
    }

    /** {@code extraOptions} may set {@code log=} itself; else the agent logs warnings only. */
    private static Forked.Run runMixed(Jdks.Jdk jdk, String mode, String extraOptions, String api, int connections,
                                       long seed, List<String> extraArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(jdk.java()));
        String log = extraOptions.contains("log=") ? "" : ",log=warn";
        if (!mode.equals("off")) cmd.add(Forked.agentOption("mode=" + mode + log + extraOptions));
        long runDeadlineMs = Math.max(110_000, connections * 60L);
        cmd.addAll(List.of("-cp", classpath(), IntegrityApp.class.getName(), "--api", api, "--connections",
                String.valueOf(connections), "--seed", String.valueOf(seed), "--run-deadline-ms",
                String.valueOf(runDeadlineMs)));
        cmd.addAll(extraArgs);
        long t0 = System.nanoTime();
        Forked.Run run = run(cmd, runDeadlineMs / 1000 + 30);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        String label = jdk + " mode=" + mode + extraOptions + " api=" + api + " seed=" + seed
                + (extraArgs.isEmpty() ? "" : " " + String.join(" ", extraArgs));
        System.out.println("integrity " + label + " (" + ms + " ms with JVM start): " + resultLine(run));
        run.stdout().lines().filter(l -> l.startsWith("integrity: ")).forEach(l -> System.out.println("  " + l));
        run.stderr().lines().filter(l -> l.startsWith("integrity")).limit(10)
                .forEach(l -> System.out.println("  " + l.replace("\n", " ")));
        Map<String, String> r = run.result();
        assertAgentRanCleanly(mode, run);
        assertEquals(String.valueOf(connections), r.get("ok"), () -> label + ": not every connection passed:\n"
                + failuresOf(run));
        assertEquals("0", r.get("failures"), () -> label + ":\n" + failuresOf(run));
        assertEquals(0, run.exit(), () -> label + ":\n" + run);
        boolean fixes = mode.equals("nodelay") || mode.equals("coalesce");
        assertEquals(fixes ? r.get("nodelay_checked") : "0", r.get("nodelay_on"), () -> label
                + ": connections with TCP_NODELAY on (the app never sets it; "
                + (fixes ? "the agent should have on all" : "observe must change nothing") + "):\n" + resultLine(run));
        assertEquals(String.valueOf(mode.equals("coalesce")), r.get("flush_timer"), () -> label
                + ": the agent's flush timer thread\n" + resultLine(run));
        return run;
    }

    /**
     * The agent installed and stayed installed: its error lines all start with "tinygram:" (could not start,
     * self-test failed, disabled after an internal error). A run after the agent stood down tests nothing.
     */
    private static void assertAgentRanCleanly(String mode, Forked.Run run) {
        List<String> errors = run.stderr().lines().filter(l -> l.startsWith("tinygram:") || l.startsWith("tinygram "))
                .filter(l -> !l.contains("nothing installed")).collect(Collectors.toList());
        assertTrue(errors.isEmpty(), () -> "mode=" + mode + ": the agent did not run cleanly for the whole run"
                + " (if it could not start, was agent/target/tinygram-agent.jar being rebuilt?):\n  "
                + String.join("\n  ", errors) + "\n" + resultLine(run));
    }

    private static String failuresOf(Forked.Run run) {
        String failures = run.stderr().lines().filter(l -> !l.startsWith("WARN tinygram"))
                .collect(Collectors.joining("\n"));
        return resultLine(run) + "\n" + failures;
    }

    private static String resultLine(Forked.Run run) {
        return run.stdout().lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElse("(no RESULT line)");
    }

    /** A fixed seed per case, so a failure can be rerun by hand with the same arguments. */
    private static long seed(String mode, String api, int salt) {
        return Math.floorMod((mode + "/" + api + "/" + salt).hashCode(), 1_000_000);
    }

    /** This JVM's classpath less the agent module: the only agent a child sees is the one -javaagent attaches. */
    static String classpath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.isEmpty())
                .filter(e -> !e.contains("tinygram-agent") && !e.replace('\\', '/').contains("/agent/target/"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static final String EOF = "\u0000EOF";

    private static BlockingQueue<String> lines(Process p) {
        BlockingQueue<String> q = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) q.add(l);
            } catch (IOException ignored) {
                // the process ended
            }
            q.add(EOF);
        }, "it-stdout-" + p.pid());
        t.setDaemon(true);
        t.start();
        return q;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    /** Like {@link Forked#run}, with a timeout that fits the run's size. */
    private static Forked.Run run(List<String> command, long timeoutSeconds) throws Exception {
        Path out = Files.createTempFile("tinygram-it-", ".out");
        Path err = Files.createTempFile("tinygram-it-", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                fail("timed out after " + timeoutSeconds + " s: " + command + "\n" + Files.readString(out) + "\n"
                        + Files.readString(err));
            }
            return new Forked.Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
