package dev.tinygram.demo;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Many virtual-thread clients, each doing write-write-read requests over its own connection to a
 * server that also runs its connection handlers on virtual threads. Compiled for Java 17, so the
 * virtual-thread executor is looked up with a MethodHandle; on JDK &lt; 21 the demo is skipped.
 */
final class VirtualThreads extends RequestResponseDemo {
    /** The first JDK with virtual threads; the tour runs this demo on one at least this new. */
    static final int FIRST_JDK = 21;
    static final int DEFAULT_CLIENTS = 50;
    static final int DEFAULT_REQUESTS_PER_CLIENT = 10;

    @Override
    public String name() {
        return "virtual-threads";
    }

    @Override
    public String description() {
        return "N virtual-thread clients doing write-write-read (JDK 21+, stalls)";
    }

    @Override
    public Map<String, Options.Kind> options() {
        Map<String, Options.Kind> m = Options.requestResponse();
        m.put("--clients", Options.Kind.INT);
        return m;
    }

    @Override
    public String synopsis() {
        return "[--clients N] [--requests N per client, default " + DEFAULT_REQUESTS_PER_CLIENT
                + "] [--warmup N per client] [--quiet]";
    }

    @Override
    String expectation() {
        return "write-write-read with Nagle on: expect ~40 ms stalls on Linux";
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()}, or null when the JDK has no virtual threads. */
    static ExecutorService newVirtualThreadExecutor() throws ReflectiveOperationException {
        if (Runtime.version().feature() < FIRST_JDK) {
            return null;
        }
        MethodHandle h = MethodHandles.publicLookup().findStatic(java.util.concurrent.Executors.class,
                "newVirtualThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class));
        try {
            return (ExecutorService) h.invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public int run(Options o, PrintStream out, PrintStream err) throws Exception {
        int clients = o.integer("--clients", DEFAULT_CLIENTS, 1);
        int requests = o.integer("--requests", DEFAULT_REQUESTS_PER_CLIENT, 1);
        int warmup = warmup(o);
        int jdk = Runtime.version().feature();
        ExecutorService serverExecutor = newVirtualThreadExecutor();
        if (serverExecutor == null) {
            out.println("virtual-threads: skipped, needs JDK 21+ (this is JDK " + jdk + ")");
            out.println(new Result(name()).put("skipped", "true").put("reason", "needs-jdk-21").put("jdk", jdk));
            return 0;
        }
        Integrity integrity = new Integrity(name(), err);
        List<RequestLoop.Timing> timings = new ArrayList<>();
        try (DemoServer server = DemoServer.start(name(), Net.listen(),
                DemoServer.oneWriteResponder(integrity), integrity, serverExecutor)) {
            ExecutorService clientExecutor = newVirtualThreadExecutor();
            try {
                List<Future<RequestLoop.Timing>> futures = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    futures.add(clientExecutor.submit(() -> client(server.port(), warmup, requests, integrity)));
                }
                for (Future<RequestLoop.Timing> f : futures) {
                    try {
                        timings.add(f.get());
                    } catch (ExecutionException e) {
                        integrity.error("client", e.getCause());
                    }
                }
            } finally {
                clientExecutor.shutdown();
            }
        }
        if (timings.isEmpty()) {
            Result r = new Result(name()).put("clients", clients).put("requests", 0);
            integrity.appendTo(r);
            out.println(r);
            return 1;
        }
        int total = 0;
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        for (RequestLoop.Timing t : timings) {
            total += t.latencies().length;
            start = Math.min(start, t.startNanos());
            end = Math.max(end, t.endNanos());
        }
        long[] all = new long[total];
        int i = 0;
        for (RequestLoop.Timing t : timings) {
            System.arraycopy(t.latencies(), 0, all, i, t.latencies().length);
            i += t.latencies().length;
        }
        Stats.Summary s = Stats.summarize(all, end - start);
        Result r = new Result(name()).put("clients", clients).putLatency(s);
        return report(o, out, s, integrity, r);
    }

    /** One virtual-thread client: its own connection, write header, write body, read response. */
    private static RequestLoop.Timing client(int port, int warmup, int requests, Integrity integrity)
            throws Exception {
        try (Socket socket = Net.connect(port)) {
            OutputStream os = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            return RequestLoop.run(warmup, requests, seq -> {
                byte[] body = Codec.requestBody(seq);
                os.write(Codec.header(seq, body));
                os.write(body); // tinygram:later-write
                integrity.verify("client", Codec.readResponse(in, seq));
            });
        }
    }
}
