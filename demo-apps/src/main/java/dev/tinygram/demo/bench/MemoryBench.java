package dev.tinygram.demo.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The memory half of {@code bench}, run in a child JVM with and without the agent. On 127.0.0.1, both ends in
 * this JVM, one thread: opens N connections with one request and one response on each and keeps them open, then
 * measures the heap after full GCs; closes them; then opens and closes many more in batches (the client closes
 * with SO_LINGER 0, so no TIME_WAIT piles up) and measures the heap at checkpoints. Prints one RESULT line.
 */
public final class MemoryBench {
    public static final String NAME = "bench-memory";
    public static final String DESCRIPTION =
            "heap with N connections open, and after opening and closing many (run by bench, in child JVMs)";
    public static final String SYNOPSIS = "[--open N] [--churn N] [--checkpoints K] [--batch N] [--quiet]";
    public static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("--open", "INT");
        OPTIONS.put("--churn", "INT");
        OPTIONS.put("--checkpoints", "INT");
        OPTIONS.put("--batch", "INT");
        OPTIONS.put("--quiet", "FLAG");
    }

    private static final byte[] REQUEST = new byte[116];   // the size of a demo request: header and body
    private static final byte[] RESPONSE = new byte[66];
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private MemoryBench() {
    }

    public static int run(Map<String, String> o, PrintStream out, PrintStream err) throws Exception {
        int open = Bench.intOption(o, "--open", 5_000, 1);
        int churn = Bench.intOption(o, "--churn", 100_000, 0);
        int checkpoints = Bench.intOption(o, "--checkpoints", 4, 1);
        int batch = Bench.intOption(o, "--batch", 200, 1);
        StringJoiner result = new StringJoiner(" ", "RESULT ", "");
        boolean agent = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("-javaagent:"));
        result.add("demo=" + NAME).add("agent=" + agent);
        try (ServerSocket server = new ServerSocket(0, 512, LOOPBACK)) {
            cycle(server, 2 * batch, batch);   // warm-up: class loading, JIT, the agent's lazily built state
            for (int i = 0; agent && agentCounter("ConnectionsTracked") < 0 && i < 100; i++) {
                Thread.sleep(50);   // the agent registers its MBean on a thread of its own
            }
            long tracked0 = agentCounter("ConnectionsTracked");   // also creates the platform MBean server first
            heapAfterGc();
            long base = heapAfterGc();
            List<Socket[]> pairs = new ArrayList<>(open);
            for (int i = 0; i < open; i++) pairs.add(openOne(server));
            long withOpen = heapAfterGc();
            long tracked = tracked0 < 0 ? -1 : agentCounter("ConnectionsTracked") - tracked0;
            closeAll(pairs);
            pairs = null;
            long closed = heapAfterGc();
            result.add("open=" + open).add("heap_base=" + base).add("heap_open=" + withOpen)
                    .add("heap_closed=" + closed).add("tracked_sockets=" + tracked);
            StringJoiner cps = new StringJoiner(",");
            long t0 = System.nanoTime();
            int done = 0;
            for (int k = 1; k <= checkpoints && churn > 0; k++) {
                int upTo = (int) ((long) churn * k / checkpoints);
                cycle(server, upTo - done, batch);
                done = upTo;
                cps.add(done + ":" + heapAfterGc());
                if (!o.containsKey("--quiet")) err.println(NAME + ": " + done + " connections opened and closed");
            }
            result.add("churn=" + churn).add("churn_s=" + String.format("%.1f", (System.nanoTime() - t0) / 1e9))
                    .add("checkpoints=" + (churn > 0 ? cps.toString() : "none"))
                    .add("agent_open_after=" + agentCounter("ConnectionsOpen"));
        }
        out.println(result);
        return 0;
    }

    /** Opens and closes {@code n} connections, at most {@code batch} open at a time. */
    private static void cycle(ServerSocket server, int n, int batch) throws IOException {
        List<Socket[]> pairs = new ArrayList<>(batch);
        for (int i = 0; i < n; i++) {
            pairs.add(openOne(server));
            if (pairs.size() == batch || i == n - 1) {
                closeAll(pairs);
                pairs.clear();
            }
        }
    }

    /** A connected client and its accepted server socket, after one request and one response. */
    private static Socket[] openOne(ServerSocket server) throws IOException {
        Socket client = new Socket();
        Socket accepted = null;
        try {
            client.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()), 5_000);
            accepted = server.accept();
            client.setSoTimeout(15_000);
            accepted.setSoTimeout(15_000);
            client.getOutputStream().write(REQUEST);
            readFully(accepted.getInputStream(), REQUEST.length);
            accepted.getOutputStream().write(RESPONSE);
            readFully(client.getInputStream(), RESPONSE.length);
            return new Socket[] {client, accepted};
        } catch (IOException e) {
            client.close();
            if (accepted != null) accepted.close();
            throw e;
        }
    }

    private static void closeAll(List<Socket[]> pairs) throws IOException {
        for (Socket[] p : pairs) {
            p[0].setSoLinger(true, 0);   // the client resets: neither side enters TIME_WAIT
            p[0].close();
            p[1].close();
        }
    }

    private static void readFully(InputStream in, int n) throws IOException {
        byte[] buf = new byte[n];
        for (int off = 0; off < n; ) {
            int r = in.read(buf, off, n - off);
            if (r < 0) throw new EOFException("peer closed after " + off + " of " + n + " bytes");
            off += r;
        }
    }

    /** Heap in use after full collections, with pauses for reference processing and cleaners in between. */
    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** An attribute of the agent's MBean, or -1 when the agent is not there. */
    private static long agentCounter(String attribute) {
        try {
            MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("dev.tinygram:type=Agent");
            return mbs.isRegistered(name) ? ((Number) mbs.getAttribute(name, attribute)).longValue() : -1;
        } catch (Exception e) {
            return -1;
        }
    }
}
