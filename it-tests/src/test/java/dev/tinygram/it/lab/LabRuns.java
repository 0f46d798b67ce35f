package dev.tinygram.it.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tinygram.it.Forked;
import dev.tinygram.it.Jdks;
import dev.tinygram.it.TestClasspath;
import dev.tinygram.it.apps.LabClient;
import dev.tinygram.it.apps.LabPeer;
import dev.tinygram.it.apps.LabRequester;
import dev.tinygram.it.apps.LabServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the lab's applications, one JVM per host: a client in host A against a {@link LabPeer} in host B, or a
 * {@link LabServer} in host A against a {@link LabRequester} in host B. The agent, when asked for, is on the
 * JVM in host A, the one under test.
 */
final class LabRuns {
    static final int PORT = 9000;

    private LabRuns() {}

    /** One pattern's run: the connection's local end (the one in the report), and its latencies. */
    record PatternResult(String name, String local, double p50Ms, double connectMs) {}

    /** {@link LabClient} in A, under {@code agentArgs} if not null, against a {@link LabPeer} in B. */
    static Map<String, PatternResult> client(Jdks.Jdk jdk, Lab lab, String agentArgs, List<String> patterns,
                                             int requests, int warmup) throws Exception {
        Process peer = start(lab.inB(List.of(jdk.java(), "-cp", TestClasspath.get(), LabPeer.class.getName(),
                "--bind", Lab.B_ADDRESS, "--port", String.valueOf(PORT))), "the lab's peer");
        try {
            List<String> client = new ArrayList<>(List.of(jdk.java()));
            if (agentArgs != null) client.add(Forked.agentOption(agentArgs));
            client.addAll(List.of("-cp", TestClasspath.get(), LabClient.class.getName(), "--connect",
                    Lab.B_ADDRESS, "--port", String.valueOf(PORT), "--patterns", String.join(";", patterns),
                    "--requests", String.valueOf(requests), "--warmup", String.valueOf(warmup)));
            Forked.Run run = Forked.run(lab.inA(client));
            assertEquals(0, run.exit(), run.toString());
            return patterns(run.stdout(), patterns.size(), run);
        } finally {
            stop(peer);
        }
    }

    /** A {@link LabServer} in A, under {@code agentArgs} if not null, answering a {@link LabRequester} in B. */
    static Map<String, PatternResult> server(Jdks.Jdk jdk, Lab lab, String agentArgs, List<String> answers,
                                             int requests, int warmup) throws Exception {
        List<String> command = new ArrayList<>(List.of(jdk.java()));
        if (agentArgs != null) command.add(Forked.agentOption(agentArgs));
        command.addAll(List.of("-cp", TestClasspath.get(), LabServer.class.getName(), "--bind", Lab.A_ADDRESS,
                "--port", String.valueOf(PORT), "--answers", String.join(";", answers)));
        Process server = start(lab.inA(command), "the lab's server");
        try {
            Forked.Run run = Forked.run(lab.inB(List.of(jdk.java(), "-cp", TestClasspath.get(),
                    LabRequester.class.getName(), "--connect", Lab.A_ADDRESS, "--port", String.valueOf(PORT),
                    "--answers", String.join(";", answers), "--requests", String.valueOf(requests), "--warmup",
                    String.valueOf(warmup))));
            assertEquals(0, run.exit(), run.toString());
            return patterns(run.stdout(), answers.size(), run);
        } finally {
            stop(server);   // a polite stop: the agent writes what its report still holds at exit
        }
    }

    /**
     * A {@link LabServer} in A under {@code agentArgs}, answering 1 B to requests of {@code requestBytes}, and a
     * {@link dev.tinygram.it.apps.PiecesClient} in B without the agent, writing each as {@code pieces} with Nagle
     * on. Returns the client's RESULT (p50_ms, local).
     */
    static Map<String, String> pieces(Jdks.Jdk jdk, Lab lab, String agentArgs, int requestBytes, String pieces,
                                      int requests) throws Exception {
        Process server = start(lab.inA(List.of(jdk.java(), Forked.agentOption(agentArgs), "-cp", TestClasspath.get(),
                LabServer.class.getName(), "--bind", Lab.A_ADDRESS, "--port", String.valueOf(PORT), "--answers", "1",
                "--request-bytes", String.valueOf(requestBytes))), "the lab's server");
        try {
            Forked.Run run = Forked.run(lab.inB(List.of(jdk.java(), "-cp", TestClasspath.get(),
                    dev.tinygram.it.apps.PiecesClient.class.getName(), "--connect", Lab.A_ADDRESS, "--port",
                    String.valueOf(PORT), "--pieces", pieces, "--requests", String.valueOf(requests), "--warmup",
                    "3")));
            assertEquals(0, run.exit(), run.toString());
            return run.result();
        } finally {
            stop(server);
        }
    }

    private static Process start(List<String> command, String what) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            Lab.awaitLine(p, "LISTENING", what + " did not start listening");
        } catch (Exception | Error e) {
            p.destroyForcibly();
            throw e;
        }
        return p;
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** The PATTERN lines, by name, in order. */
    private static Map<String, PatternResult> patterns(String stdout, int expected, Forked.Run run) {
        Map<String, PatternResult> results = new LinkedHashMap<>();
        for (String line : stdout.split("\n")) {
            if (!line.startsWith("PATTERN ")) continue;
            Map<String, String> f = new LinkedHashMap<>();
            for (String kv : line.substring("PATTERN ".length()).trim().split(" ")) {
                int eq = kv.indexOf('=');
                f.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            results.put(f.get("name"), new PatternResult(f.get("name"), f.get("local"),
                    Double.parseDouble(f.get("p50_ms")), Double.parseDouble(f.getOrDefault("connect_ms", "0"))));
        }
        assertEquals(expected, results.size(), () -> "a PATTERN line per pattern: " + run);
        return results;
    }
}
