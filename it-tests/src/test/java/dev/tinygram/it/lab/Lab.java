package dev.tinygram.it.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two hosts on one machine: network namespaces {@code A} and {@code B}, each with a TAP device, joined by {@code
 * tapdelay}, a user-space link with a set one-way delay (this kernel has no netem), at a set MTU. A is
 * {@link #A_ADDRESS}, B {@link #B_ADDRESS}. Programs run in a host through {@link #in}.
 *
 * <p>Everything it makes (namespaces, devices, the link process) is removed by {@link #close}, and by a shutdown
 * hook should the test JVM end first. Needs root and {@code /dev/net/tun}, {@code ip} (iproute2) and a C compiler;
 * {@code .ci/run} installs what is missing.
 */
public final class Lab implements AutoCloseable {
    public static final String A_ADDRESS = "10.77.0.1";
    public static final String B_ADDRESS = "10.77.0.2";
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final long COMMAND_SECONDS = 10;

    private final String nsA;
    private final String nsB;
    private final String tapA;
    private final String tapB;
    private final Process link;
    private final Thread cleanupAtExit;
    private boolean closed;

    private Lab(String id, long oneWayDelayMicros, int mtu, String congestionControl) throws Exception {
        nsA = "tg" + id + "a";
        nsB = "tg" + id + "b";
        tapA = "tgt" + id + "a";
        tapB = "tgt" + id + "b";
        cleanupAtExit = new Thread(this::removeQuietly, "lab-cleanup-" + id);
        Runtime.getRuntime().addShutdownHook(cleanupAtExit);
        Process started = null;
        try {
            ip("netns", "add", nsA);
            ip("netns", "add", nsB);
            ip("tuntap", "add", "dev", tapA, "mode", "tap");
            ip("tuntap", "add", "dev", tapB, "mode", "tap");
            started = new ProcessBuilder(helper().toString(), tapA, tapB, String.valueOf(oneWayDelayMicros))
                    .redirectErrorStream(true).start();
            awaitLine(started, "ready", "the lab's link did not start");
            host(nsA, tapA, A_ADDRESS, mtu, congestionControl);
            host(nsB, tapB, B_ADDRESS, mtu, congestionControl);
        } catch (Exception | Error e) {
            if (started != null) started.destroyForcibly();
            removeQuietly();
            Runtime.getRuntime().removeShutdownHook(cleanupAtExit);
            throw e;
        }
        link = started;
    }

    /** A lab whose link delays each frame {@code oneWayDelayMicros} each way, at {@code mtu}. */
    public static Lab start(long oneWayDelayMicros, int mtu) throws Exception {
        return start(oneWayDelayMicros, mtu, null);
    }

    /** The same, with both hosts' TCP congestion control set ({@code reno}, {@code bbr}; null: the default). */
    public static Lab start(long oneWayDelayMicros, int mtu, String congestionControl) throws Exception {
        String id = Long.toHexString(ProcessHandle.current().pid() % 0x10000) + COUNT.incrementAndGet();
        return new Lab(id, oneWayDelayMicros, mtu, congestionControl);
    }

    private static String unavailable;

    /**
     * Why no lab can be made here (not root, no network namespaces, no TAP devices, no C compiler), or null: made
     * and removed once, on the first call.
     */
    public static synchronized String whyUnavailable() {
        if (unavailable == null) {
            try {
                new Lab("p" + Long.toHexString(ProcessHandle.current().pid() % 0x10000), 100, 1500, null).close();
                unavailable = "";
            } catch (Exception | Error e) {
                unavailable = String.valueOf(e.getMessage()).replace('\n', ' ');
            }
        }
        return unavailable.isEmpty() ? null : unavailable;
    }

    /**
     * Skips the calling test, with one line on stdout that says why, when no lab can be made here.
     */
    public static void assumeAvailable(String test) {
        String why = whyUnavailable();
        if (why != null) System.out.println(test + " SKIPPED: the network lab cannot be made here: " + why);
        org.junit.jupiter.api.Assumptions.assumeTrue(why == null, () -> "the network lab cannot be made here: " + why);
    }

    /** {@code command} run in host A. */
    public List<String> inA(List<String> command) {
        return in(nsA, command);
    }

    /** {@code command} run in host B. */
    public List<String> inB(List<String> command) {
        return in(nsB, command);
    }

    private static List<String> in(String ns, List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        wrapped.addAll(command);
        return wrapped;
    }

    /** The namespaces this lab made, for a test that checks they are gone after {@link #close}. */
    public List<String> namespaces() {
        return List.of(nsA, nsB);
    }

    /** Namespaces on this machine now. */
    public static List<String> namespacesNow() throws Exception {
        String out = run(List.of("ip", "netns", "list"));
        List<String> names = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) names.add(line.trim().split(" ")[0]);
        }
        return names;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        link.destroyForcibly();
        try {
            link.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        removeQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupAtExit);
        } catch (IllegalStateException exiting) {
            // the hook is running or about to: it removes the same things
        }
    }

    private static void host(String ns, String tap, String address, int mtu, String congestionControl)
            throws Exception {
        ip("link", "set", tap, "netns", ns);
        if (congestionControl != null) {
            if (!congestionControl.matches("[a-z0-9_]+")) throw new IllegalArgumentException(congestionControl);
            // through /proc rather than sysctl(8), which a base image may lack; the file is per namespace
            run(List.of("ip", "netns", "exec", ns, "sh", "-c",
                    "echo " + congestionControl + " > /proc/sys/net/ipv4/tcp_congestion_control"));
        }
        ip("-n", ns, "addr", "add", address + "/24", "dev", tap);
        ip("-n", ns, "link", "set", tap, "mtu", String.valueOf(mtu), "up");
        ip("-n", ns, "link", "set", "lo", "up");
    }

    /** Deleting a namespace deletes the devices in it; a device not moved yet is deleted by name. */
    private void removeQuietly() {
        for (List<String> command : List.of(List.of("ip", "netns", "del", nsA), List.of("ip", "netns", "del", nsB),
                List.of("ip", "link", "del", tapA), List.of("ip", "link", "del", tapB))) {
            try {
                run(command);
            } catch (Exception alreadyGone) {
                // not made, or already removed
            }
        }
    }

    /**
     * Waits until {@code p} prints {@code marker} on a line of its own, for at most {@link #COMMAND_SECONDS};
     * fails with {@code what} and whatever it printed otherwise.
     */
    public static void awaitLine(Process p, String marker, String what) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(COMMAND_SECONDS);
        StringBuilder said = new StringBuilder();
        while (System.nanoTime() < deadline) {
            if (in.ready()) {
                String line = in.readLine();
                if (line == null) break;
                if (line.equals(marker)) return;
                said.append(line).append('\n');
            } else if (!p.isAlive()) {
                break;
            } else {
                Thread.sleep(10);
            }
        }
        throw new IllegalStateException(what + ": " + said.toString().trim());
    }

    /** The link program, compiled once per build into target/lab. */
    private static synchronized Path helper() throws Exception {
        Path dir = Path.of("target", "lab").toAbsolutePath();
        Path binary = dir.resolve("tapdelay");
        if (Files.isExecutable(binary)) return binary;
        Files.createDirectories(dir);
        Path source = dir.resolve("tapdelay.c");
        try (InputStream in = Lab.class.getResourceAsStream("/lab/tapdelay.c")) {
            if (in == null) throw new IllegalStateException("lab/tapdelay.c is missing from the test resources");
            Files.write(source, in.readAllBytes());
        }
        run(List.of("cc", "-O2", "-Wall", "-o", binary.toString(), source.toString()));
        return binary;
    }

    private static void ip(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        run(command);
    }

    /** Runs a set-up command to its end (bounded), failing with what it said. */
    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + ": no answer in " + COMMAND_SECONDS + " s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out.trim());
        }
        return out;
    }
}
