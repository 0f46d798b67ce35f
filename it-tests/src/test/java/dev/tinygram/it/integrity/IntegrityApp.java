package dev.tinygram.it.integrity;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Randomized, byte-for-byte integrity check of socket I/O, to run with and without the agent in its fix modes.
 *
 * <pre>
 * IntegrityApp --api socket|channel|ssl --connections N --seed S [--max-write 262144] [--parallel 6]
 *              [--server-api socket|channel|ssl] [--scenarios echo,lockstep,...] [--reset-deadline-ms 10000]
 *              [--run-deadline-ms 110000] [--inject none|flip|drop|dup|noreset] [--threads platform|virtual]
 * IntegrityApp --scenario kill-peer --api socket|channel --port P [--connections 8] [--seed S]
 * </pre>
 *
 * The mixed run ({@link Harness}) starts an in-process loopback server (same API as the client unless
 * --server-api) and cycles the connections through the five base {@link Scenario}s, and after every ten of them two
 * of the extra ones ({@link Scenario#scenarioOf}); those that run alone only when named with --scenarios. Each
 * scenario is a class named after its label:
 * <ul>
 *   <li>base: {@link EchoScenario echo}, {@link LockstepScenario lockstep}, {@link CloseScenario close},
 *       {@link ResetScenario reset}, {@link AbortScenario abort};</li>
 *   <li>extra: {@link StallTimeoutScenario stall-timeout}, {@link StallNeighbourScenario stall-neighbour},
 *       {@link WriteAfterShutdownScenario write-after-shutdown}, {@link SlowReaderScenario slow-reader};</li>
 *   <li>alone: {@link StallCloseScenario stall-close}, {@link WriteAfterCloseScenario write-after-close}.</li>
 * </ul>
 * A connection that moves no byte for 5 s is hung, unless the kernel still holds bytes to send (ss says so; then it
 * gets 30 s, and a note says why); the watchdog then dumps its threads and the kernel's queues, resets both ends,
 * and gives the whole run up if even that does not end it. A line the agent prints starting "tinygram:" (it could not start,
 * or stood down) is a failure too: what runs after it runs without the agent.
 *
 * <p>Prints {@code RESULT app=integrity api=X connections=N ok=K failures=F ...} (with per-scenario counts,
 * {@code nodelay_on} of {@code nodelay_checked} client connections that had TCP_NODELAY on, which the app never
 * sets, and whether the agent's flush timer thread exists); the first failures go to stderr, described by sizes,
 * offsets and sequence numbers, never by payload bytes. Exit status 1 on any failure.
 *
 * <p>{@code --scenario kill-peer} is a separate run against a peer in another process: {@link KillPeerClient}.
 */
public final class IntegrityApp {
    private IntegrityApp() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = parseArgs(args);
        Net.Api api = Net.Api.parse(a.getOrDefault("api", "socket"));
        Harness.virtualThreads = "virtual".equals(a.getOrDefault("threads", "platform"));
        long seed = Long.parseLong(a.getOrDefault("seed", "1"));
        if ("kill-peer".equals(a.get("scenario"))) {
            int code = KillPeerClient.run(api, Integer.parseInt(a.get("port")),
                    Integer.parseInt(a.getOrDefault("connections", "8")), seed,
                    Integer.parseInt(a.getOrDefault("max-write", "262144")));
            System.exit(code);
        }
        if (a.containsKey("scenario") && !"mixed".equals(a.get("scenario"))) {
            throw new IllegalArgumentException("--scenario mixed|kill-peer");
        }
        Harness harness = new Harness(api, Net.Api.parse(a.getOrDefault("server-api", api.label())),
                Integer.parseInt(a.getOrDefault("connections", "100")), seed,
                Integer.parseInt(a.getOrDefault("max-write", "262144")),
                Integer.parseInt(a.getOrDefault("parallel", "6")),
                Long.parseLong(a.getOrDefault("reset-deadline-ms", "10000")),
                LocalServer.Inject.parse(a.getOrDefault("inject", "none")),
                a.containsKey("scenarios") ? Arrays.stream(a.get("scenarios").split(","))
                        .map(Scenario::parse).toList() : null,
                Long.parseLong(a.getOrDefault("run-deadline-ms", "110000")));
        System.exit(harness.run());
    }

    static Map<String, String> parseArgs(String[] args) {
        Map<String, String> a = new TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --key value pairs, got " + List.of(args));
            }
            a.put(args[i].substring(2), args[++i]);
        }
        return a;
    }
}
