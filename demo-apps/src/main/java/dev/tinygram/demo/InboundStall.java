package dev.tinygram.demo;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The mirror case: a client we cannot change, in a child JVM without the agent, writes each 10 B request as 4 B
 * then 6 B with Nagle on, to a server in this JVM (the one the agent is on). This side's delayed ACK holds the
 * client's second piece: the server's read of it waits about 40 ms. Under the agent it is an
 * {@code inbound-write-write-read} at the server's read; {@code quickack=flagged} fixes it from this side.
 */
final class InboundStall implements Demo {
    static final int REQUEST = 10;
    static final int FIRST_PIECE = 4;

    @Override
    public String name() {
        return "inbound-stall";
    }

    @Override
    public String description() {
        return "a client JVM without the agent writes each request in two pieces; this side's delayed ACK holds"
                + " the second";
    }

    @Override
    public Map<String, Options.Kind> options() {
        Map<String, Options.Kind> m = new LinkedHashMap<>();
        m.put("--requests", Options.Kind.INT);
        m.put("--warmup", Options.Kind.INT);
        m.put("--quiet", Options.Kind.FLAG);   // as every demo takes: the tour passes it; this one prints only RESULT
        return m;
    }

    @Override
    public String synopsis() {
        return "[--requests N] [--warmup N] [--quiet]";
    }

    @Override
    public int run(Options o, PrintStream out, PrintStream err) throws Exception {
        int requests = o.integer("--requests", 30, 1);
        int warmup = o.integer("--warmup", 5, 0);
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread serving = new Thread(() -> serve(server), "inbound-stall-server");
            serving.setDaemon(true);
            serving.start();
            List<String> command = new ArrayList<>(List.of(Tour.javaBinary(), "-cp", Tour.codeSource().toString(),
                    Client.class.getName(), String.valueOf(server.getLocalPort()), String.valueOf(requests),
                    String.valueOf(warmup)));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().remove("JAVA_TOOL_OPTIONS");   // the client runs without the agent
            Process client = pb.start();
            String line;
            String result = null;
            StringBuilder said = new StringBuilder();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.UTF_8))) {
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("CLIENT ")) result = line.substring("CLIENT ".length());
                    else said.append(line).append('\n');
                }
            }
            if (!client.waitFor(60, TimeUnit.SECONDS) || client.exitValue() != 0 || result == null) {
                client.destroyForcibly();
                err.println("inbound-stall: the client failed: " + said.toString().trim());
                out.println(new Result(name()).put("integrity", "failed"));
                return 1;
            }
            Result r = new Result(name());
            for (String kv : result.split(" ")) {
                int eq = kv.indexOf('=');
                r.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            out.println(r);
            return 0;
        }
    }

    /** Reads each request whole, as a server reads a fixed-size header, and echoes it in one write. */
    private static void serve(ServerSocket server) {
        try (Socket s = server.accept()) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] request = new byte[REQUEST];
            while (true) {
                in.readFully(request);
                out.write(request);
            }
        } catch (Exception done) {
            // the client finished
        }
    }

    /** The client, in its own JVM: {@code PORT REQUESTS WARMUP}; prints {@code CLIENT p50_ms=X ...}. */
    static final class Client {
        public static void main(String[] args) throws Exception {
            int port = Integer.parseInt(args[0]);
            int requests = Integer.parseInt(args[1]);
            int warmup = Integer.parseInt(args[2]);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                OutputStream out = s.getOutputStream();
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] request = new byte[REQUEST];
                byte[] echo = new byte[REQUEST];
                List<Double> latencies = new ArrayList<>();
                for (int i = 0; i < warmup + requests; i++) {
                    for (int b = 0; b < REQUEST; b++) request[b] = (byte) (i * 13 + b);
                    long start = System.nanoTime();
                    out.write(request, 0, FIRST_PIECE);
                    out.write(request, FIRST_PIECE, REQUEST - FIRST_PIECE);
                    in.readFully(echo);
                    if (!Arrays.equals(request, echo)) throw new IllegalStateException("request " + i + " came back changed");
                    if (i >= warmup) latencies.add((System.nanoTime() - start) / 1e6);
                }
                Collections.sort(latencies);
                System.out.printf(Locale.ROOT, "CLIENT requests=%d p50_ms=%.3f max_ms=%.3f integrity=ok%n", requests,
                        latencies.get(latencies.size() / 2), latencies.get(latencies.size() - 1));
            }
        }
    }
}
