package dev.tinygram.demo;

import java.io.PrintStream;
import java.util.Map;

/** Base for the demos that time request/response round trips over one connection. */
abstract class RequestResponseDemo implements Demo {
    static final int DEFAULT_REQUESTS = 40;
    static final int DEFAULT_WARMUP = 3;

    @Override
    public Map<String, Options.Kind> options() {
        return Options.requestResponse();
    }

    @Override
    public String synopsis() {
        return "[--requests N] [--warmup N] [--quiet]";
    }

    /** Short human explanation printed before RESULT, e.g. what latency to expect. */
    abstract String expectation();

    static int requests(Options o) throws Options.UsageException {
        return o.integer("--requests", DEFAULT_REQUESTS, 1);
    }

    static int warmup(Options o) throws Options.UsageException {
        return o.integer("--warmup", DEFAULT_WARMUP, 0);
    }

    /** Prints the human summary (unless --quiet) and the RESULT line; returns the exit status. */
    int report(Options o, PrintStream out, Stats.Summary s, Integrity integrity, Result result) {
        if (!o.quiet()) {
            out.println(name() + ": " + s.count() + " requests, p50 " + Stats.ms(s.p50()) + " ms, p99 "
                    + Stats.ms(s.p99()) + " ms, max " + Stats.ms(s.max()) + " ms (" + expectation() + ")");
        }
        integrity.appendTo(result);
        out.println(result);
        return integrity.exitStatus();
    }

    int report(Options o, PrintStream out, Stats.Summary s, Integrity integrity) {
        return report(o, out, s, integrity, Result.latency(name(), s));
    }
}
