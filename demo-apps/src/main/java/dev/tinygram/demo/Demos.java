package dev.tinygram.demo;

import dev.tinygram.demo.bench.Bench;
import dev.tinygram.demo.bench.MemoryBench;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point: {@code java -jar tinygram-demos.jar NAME [options]}. Each demo runs its own server
 * and client on 127.0.0.1 in this JVM and ends with one {@code RESULT k=v ...} line on stdout.
 * Exit status: 0 ok, 1 integrity failure or error, 2 bad command line.
 */
public final class Demos {

    static final List<Demo> ALL = List.of(
            new WwrClient(),
            new SplitResponse(),
            new NioClient(),
            new TlsClient(),
            new VirtualThreads(),
            new InboundStall(),
            new BulkStream(),
            new Interactive(),
            new WwrClientNoDelay(),
            new WriteOnceClient(),
            new FixBench(),
            new External(Bench.NAME, Bench.DESCRIPTION, Bench.SYNOPSIS, Bench.OPTIONS, Bench::run),
            new External(MemoryBench.NAME, MemoryBench.DESCRIPTION, MemoryBench.SYNOPSIS, MemoryBench.OPTIONS,
                    MemoryBench::run),
            new Tour());

    /** A command implemented outside this package; it gets its options by name, flags as "true". */
    private record External(String name, String description, String synopsis, Map<String, String> spec,
                            Command command) implements Demo {
        interface Command {
            int run(Map<String, String> options, PrintStream out, PrintStream err) throws Exception;
        }

        @Override
        public Map<String, Options.Kind> options() {
            Map<String, Options.Kind> m = new LinkedHashMap<>();
            spec.forEach((k, kind) -> m.put(k, Options.Kind.valueOf(kind)));
            return m;
        }

        @Override
        public int run(Options o, PrintStream out, PrintStream err) throws Exception {
            Map<String, String> given = new LinkedHashMap<>();
            for (String k : spec.keySet()) {
                if (o.has(k)) {
                    given.put(k, o.flag(k) ? "true" : o.string(k, ""));
                }
            }
            return command.run(given, out, err);
        }
    }

    private Demos() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        System.out.flush();
        System.exit(status);
    }

    static Demo find(String name) {
        for (Demo d : ALL) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    static String usage() {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: java -jar tinygram-demos.jar NAME [options]\n\n");
        sb.append("Each demo runs a server and a client on 127.0.0.1 in one JVM and prints one RESULT line.\n\n");
        sb.append("demos:\n");
        for (Demo d : ALL) {
            sb.append(String.format("  %-20s %s%n", d.name(), d.description()));
            sb.append(String.format("  %-20s   %s%n", "", d.synopsis()));
        }
        sb.append("\ncommon options:\n");
        sb.append("  --requests N   timed requests (request/response demos, default ")
                .append(RequestResponseDemo.DEFAULT_REQUESTS).append(")\n");
        sb.append("  --warmup N     untimed warm-up requests (default ").append(RequestResponseDemo.DEFAULT_WARMUP)
                .append(")\n");
        sb.append("  --quiet        print only the RESULT line\n");
        sb.append("  --help         print this help\n");
        sb.append("\nexit status: 0 ok, 1 integrity failure or error, 2 bad command line\n");
        return sb.toString();
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println("tinygram-demos: missing demo name");
            err.print(usage());
            return 2;
        }
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                out.print(usage());
                return 0;
            }
        }
        Demo demo = find(args[0]);
        if (demo == null) {
            err.println("tinygram-demos: unknown demo '" + args[0] + "'");
            err.print(usage());
            return 2;
        }
        try {
            return demo.run(Options.parse(args, 1, demo.options()), out, err);
        } catch (Options.UsageException e) {
            err.println(demo.name() + ": " + e.getMessage());
            err.print(usage());
            return 2;
        } catch (Exception e) {
            err.println(demo.name() + ": error: " + e);
            out.println(new Result(demo.name()).put("error", e.getClass().getSimpleName()).put("integrity", "unknown"));
            return 1;
        }
    }
}
