package dev.tinygram.demo.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** What every section shares: the plan, the launcher of child JVMs, where to write, and the failed runs so far. */
final class BenchContext {
    /** Generous: a full-size cell of a stalling demo takes seconds, and a shared machine can be slow. */
    static final int CHILD_TIMEOUT_S = 180;

    final BenchPlan plan;
    final Children children;
    final Path outDir;
    /** The report: stdout and, at the end, OUT/bench.md. */
    final PrintStream md;
    /** Progress and failures of child runs; not part of the report. */
    final PrintStream err;
    private final boolean quiet;
    private int failures;

    BenchContext(BenchPlan plan, Children children, Path outDir, PrintStream md, PrintStream err, boolean quiet) {
        this.plan = plan;
        this.children = children;
        this.outDir = outDir;
        this.md = md;
        this.err = err;
        this.quiet = quiet;
    }

    /** Runs a demo in a child JVM ({@code agentArgs} null: no agent); says on err when it failed. */
    Children.Run child(List<String> jvm, String agentArgs, String demo, List<String> args) throws Exception {
        Children.Run r = Children.run(children.demo(jvm, agentArgs, demo, args), CHILD_TIMEOUT_S);
        if (r.failed()) err.println("bench: " + demo + " " + args + " (agent " + agentArgs + ") failed: " + r.why());
        return r;
    }

    /** The runs that finished and printed a RESULT line; counts the others as failures. */
    List<Children.Run> succeeded(List<Children.Run> runs) {
        List<Children.Run> ok = runs.stream().filter(r -> !r.failed() && !r.result().isEmpty()).toList();
        failures += runs.size() - ok.size();
        return ok;
    }

    /** Counts a child run, or a measurement, that failed: the exit code says so. */
    void failed() {
        failures++;
    }

    int failures() {
        return failures;
    }

    void progress(String s) {
        if (!quiet) err.println("bench: " + s);
    }
}
