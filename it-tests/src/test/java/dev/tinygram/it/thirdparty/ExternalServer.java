package dev.tinygram.it.thirdparty;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Starts and stops a Debian-packaged server (redis-server, memcached) on 127.0.0.1 and a free port, via
 * ProcessBuilder. Needs {@code apt-get install -y redis-server memcached} (.ci/run installs them). No service manager,
 * no system config, all state in a temp dir. As root, memcached runs with {@code -u nobody}.
 *
 * <p>Standalone: {@code java ... ExternalServer redis|memcached} prints {@code PORT=<n>} and keeps the server up until
 * stdin closes.
 */
public final class ExternalServer implements AutoCloseable {

    private final String kind;
    private final int port;
    private final Process process;
    private final Path dir;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ExternalServer(String kind, int port, Process process, Path dir) {
        this.kind = kind;
        this.port = port;
        this.process = process;
        this.dir = dir;
        // Do not leak the server if the JVM exits without close() (System.exit, SIGTERM).
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "stop-" + kind));
    }

    public int port() {
        return port;
    }

    public static ExternalServer start(String kind) throws Exception {
        switch (kind) {
            case "redis": return redis();
            case "memcached": return memcached();
            default: throw new IllegalArgumentException("unknown server " + kind);
        }
    }

    /** {@code redis-server --bind 127.0.0.1 --port P --save '' --appendonly no}. */
    public static ExternalServer redis() throws Exception {
        Path dir = Files.createTempDirectory("tinygram-redis");
        int port = freePort();
        Process p = launch(dir, List.of(which("redis-server"), "--bind", "127.0.0.1", "--port", String.valueOf(port),
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(),
                "--protected-mode", "no"));
        ExternalServer s = new ExternalServer("redis", port, p, dir);
        s.awaitTcp();
        return s;
    }

    /** {@code memcached -l 127.0.0.1 -p P -U 0 [-u nobody]}. */
    public static ExternalServer memcached() throws Exception {
        Path dir = Files.createTempDirectory("tinygram-memcached");
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(which("memcached"), "-l", "127.0.0.1", "-p", String.valueOf(port),
                "-U", "0", "-m", "64"));
        if (isRoot()) {
            cmd.addAll(List.of("-u", "nobody"));
        }
        Process p = launch(dir, cmd);
        ExternalServer s = new ExternalServer("memcached", port, p, dir);
        s.awaitTcp();
        return s;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The server binary for {@code kind} (redis, memcached), as start() would run it; throws if it is not installed. */
    public static String executable(String kind) throws IOException {
        switch (kind) {
            case "redis": return which("redis-server");
            case "memcached": return which("memcached");
            default: throw new IllegalArgumentException("unknown server " + kind);
        }
    }

    private static String which(String exe) throws IOException {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(d, exe);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        for (String d : new String[] {"/usr/bin", "/usr/sbin", "/sbin", "/bin"}) {
            Path p = Path.of(d, exe);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IOException(exe + " not found on PATH or in /usr/bin, /usr/sbin, /sbin, /bin"
                + " (apt-get install -y redis-server memcached; .ci/run installs them)");
    }

    private static int freePort() throws IOException {
        try (ServerSocket ss = new ServerSocket()) {
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress("127.0.0.1", 0));
            return ss.getLocalPort();
        }
    }

    private static Process launch(Path dir, List<String> cmd) throws IOException {
        File log = dir.resolve("server.log").toFile();
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    }

    private void checkAlive() throws IOException {
        if (!process.isAlive()) {
            String log = "";
            try {
                log = Files.readString(dir.resolve("server.log"));
            } catch (IOException ignored) {
                // best effort
            }
            throw new IOException(kind + " exited with " + process.exitValue() + ":\n" + log);
        }
    }

    private void awaitTcp() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            checkAlive();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    close();
                    throw new IOException(kind + " did not listen on " + port, e);
                }
                Thread.sleep(50);
            }
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            process.destroyForcibly();
        }
        deleteTree(dir);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ExternalServer redis|memcached");
            System.exit(2);
        }
        try (ExternalServer s = start(args[0])) {
            System.out.println("PORT=" + s.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // keep running until stdin is closed
            }
        }
    }
}
