package dev.tinygram.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs every demo (except wwr-client-nodelay) in child JVMs: without the agent, with it observing
 * ({@code -javaagent:<agent>=report=<file>}), and with it fixing (mode=coalesce, or the demo's own fix:
 * quickack=flagged for inbound-stall), and prints a side-by-side table. Then, for each stalling demo, the one
 * line the agent logged that names the call site and the fix: what tinygram is for. A demo the running JDK is too
 * old for (virtual-threads on 17) runs on the newest JDK new enough installed beside it, if there is one.
 */
final class Tour implements Demo {
    static final int DEFAULT_TIMEOUT_S = 60;
    private static final Pattern WWR_FINDING =
            Pattern.compile("\"kind\"\\s*:\\s*\"(inbound-)?write-write-read\"");

    /**
     * One tour entry: a demo plus its arguments, whether it is expected to stall, the agent's fix for it, how the
     * finding line to show starts (null for a demo that does not stall), and the oldest JDK that runs it.
     */
    record Child(String demo, List<String> args, boolean stalls, boolean requestResponse, String fix,
                 String finding, int jdk) {
        Child(String demo, List<String> args, boolean stalls, boolean requestResponse) {
            this(demo, args, stalls, requestResponse, "mode=coalesce", stalls ? FindingLine.OUTBOUND : null, 17);
        }

        String label() {
            return args.isEmpty() ? demo : demo + " " + String.join(" ", args);
        }
    }

    static final List<Child> CHILDREN = List.of(
            new Child("wwr-client", List.of(), true, true),
            new Child("split-response", List.of(), true, true),
            new Child("nio-client", List.of("--blocking"), true, true),
            new Child("nio-client", List.of("--nonblocking"), true, true),
            new Child("tls-client", List.of(), true, true),
            new Child("virtual-threads", List.of(), true, true, "mode=coalesce", FindingLine.OUTBOUND,
                    VirtualThreads.FIRST_JDK),
            // the client JVM splits its requests; this side's delayed ACK holds them, and this side fixes it
            new Child("inbound-stall", List.of(), true, true, "quickack=flagged", FindingLine.INBOUND, 17),
            new Child("bulk-stream", List.of(), false, false),
            new Child("interactive", List.of(), false, true));

    /** The JDK a child runs on: this JVM's, or a newer one beside it; null java when none is new enough. */
    record ChildJdk(String java, int feature) {
        boolean found() {
            return java != null;
        }
    }

    /** Outcome of one child JVM. {@code findings} is null when there was no report file. */
    /** Each demo runs without the agent, with it observing, and with it fixing. */
    private static final String[] RUN_LABELS = {"without agent", "with agent, observe", "with agent, fixing"};
    private static final String[] RUN_AGENT_ARGS = {"", "", "mode=coalesce"};

    record Run(int exit, boolean timedOut, Map<String, String> result, Integer findings, List<String> stderr) {
        /** A run the tour did not start: no JDK could run the demo. */
        static final Run NOT_RUN = new Run(0, false, Map.of("skipped", "true"), null, List.of());

        boolean failed() {
            return timedOut || exit != 0 || result.isEmpty();
        }
    }

    @Override
    public String name() {
        return "tour";
    }

    @Override
    public String description() {
        return "run all demos in child JVMs without the agent, observing and fixing; print a table and each"
                + " stalling demo's finding";
    }

    @Override
    public Map<String, Options.Kind> options() {
        Map<String, Options.Kind> m = new LinkedHashMap<>();
        m.put("--agent", Options.Kind.STRING);
        m.put("--requests", Options.Kind.INT);
        m.put("--warmup", Options.Kind.INT);
        m.put("--timeout", Options.Kind.INT);
        m.put("--quiet", Options.Kind.FLAG);
        return m;
    }

    @Override
    public String synopsis() {
        return "[--agent PATH] [--requests N] [--warmup N] [--timeout SECONDS] [--quiet]";
    }

    /** The demos jar (or classes directory) this class was loaded from. */
    static Path codeSource() throws URISyntaxException {
        return Path.of(Tour.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
    }

    /** The java binary running this JVM, for child JVMs of the same JDK. */
    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** How a child JVM runs a demo from the same jar (or classes directory) as this one. */
    static List<String> launch(Path self) {
        return Files.isDirectory(self)
                ? List.of("-cp", self.toString(), Demos.class.getName())
                : List.of("-jar", self.toString());
    }

    /** {@code <dir of tinygram-demos.jar>/../../agent/target/tinygram-agent.jar}. */
    static Path defaultAgent(Path codeSource) {
        return codeSource.getParent().resolve("../../agent/target/tinygram-agent.jar").normalize();
    }

    @Override
    public int run(Options o, PrintStream out, PrintStream err) throws Exception {
        List<String> passThrough = new ArrayList<>();
        if (o.has("--requests")) {
            passThrough.add("--requests");
            passThrough.add(String.valueOf(o.integer("--requests", 0, 1)));
        }
        if (o.has("--warmup")) {
            passThrough.add("--warmup");
            passThrough.add(String.valueOf(o.integer("--warmup", 0, 0)));
        }
        int timeout = o.integer("--timeout", DEFAULT_TIMEOUT_S, 1);
        Path self = codeSource();
        Path agent = o.has("--agent") ? Path.of(o.string("--agent", "")).toAbsolutePath() : defaultAgent(self);
        if (!Files.isRegularFile(agent)) {
            err.println("tour: agent jar not found at " + agent
                    + " - build it first with: mvn -B -q -DskipTests package (in the repository root), or pass --agent PATH");
            return 2;
        }
        String java = javaBinary();
        int here = Runtime.version().feature();
        List<String> launch = launch(self);
        if (!o.quiet()) {
            out.println("tour: JDK " + here + " (" + java + "), agent " + agent);
        }
        List<ChildJdk> jdks = new ArrayList<>();
        int toRun = 0;
        for (Child c : CHILDREN) {
            ChildJdk jdk = jdkFor(c, java, here);
            jdks.add(jdk);
            if (jdk.found()) {
                toRun += RUN_LABELS.length;
            }
            if (jdk.feature() != here) {
                // said even with --quiet: which JDK ran a row, or why it did not run, is part of the result
                out.println(otherJdkLine(c, jdk, here, Path.of(System.getProperty("java.home")).toAbsolutePath()));
            }
        }

        List<Run[]> runs = new ArrayList<>();
        int n = 0;
        for (int i = 0; i < CHILDREN.size(); i++) {
            Child c = CHILDREN.get(i);
            ChildJdk jdk = jdks.get(i);
            List<String> args = childArgs(c, passThrough);
            Run[] pair = new Run[RUN_LABELS.length];
            for (int run = 0; run < RUN_LABELS.length; run++) {
                if (!jdk.found()) {
                    pair[run] = Run.NOT_RUN;
                    continue;
                }
                n++;
                if (!o.quiet()) {
                    err.println("tour: [" + n + "/" + toRun + "] " + c.label() + " (" + RUN_LABELS[run] + ")");
                }
                String agentArgs = run == 2 ? c.fix() : RUN_AGENT_ARGS[run];
                pair[run] = runChild(jdk.java(), launch, c.demo(), args, run == 0 ? null : agent, agentArgs, timeout);
            }
            runs.add(pair);
        }

        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"demo", "p50 without agent", "p50 with agent (observe)", "findings", "expected",
                "p50 with agent fixing (mode=coalesce, or as said)"});
        int failedRuns = 0;
        long findingsTotal = 0;
        boolean anyFindings = false;
        for (int i = 0; i < CHILDREN.size(); i++) {
            Child c = CHILDREN.get(i);
            Run without = runs.get(i)[0];
            Run with = runs.get(i)[1];
            for (Run r : runs.get(i)) {
                if (r.failed()) {
                    failedRuns++;
                }
            }
            if (with.findings() != null) {
                anyFindings = true;
                findingsTotal += with.findings();
            }
            Run fixed = runs.get(i)[2];
            int feature = jdks.get(i).feature();
            rows.add(new String[] {c.label() + (feature == here || !jdks.get(i).found() ? "" : " (JDK " + feature + ")"),
                    cell(without), cell(with),
                    with.findings() == null ? "-" : String.valueOf(with.findings()),
                    c.stalls() ? "stall" : "no stall",
                    cell(fixed) + (c.fix().equals("mode=coalesce") ? "" : " (" + c.fix() + ")")});
        }
        printTable(out, rows);
        int findingLines = printFindingLines(out, runs, jdks);
        for (int i = 0; i < CHILDREN.size(); i++) {
            for (int w = 0; w < RUN_LABELS.length; w++) {
                Run r = runs.get(i)[w];
                if (r.failed()) {
                    err.println("tour: " + CHILDREN.get(i).label() + " (" + RUN_LABELS[w] + ")"
                            + (r.timedOut() ? " timed out after " + timeout + " s" : " exited with status " + r.exit()));
                    int from = Math.max(0, r.stderr().size() - 5);
                    for (String line : r.stderr().subList(from, r.stderr().size())) {
                        err.println("    " + line);
                    }
                }
            }
        }
        ChildJdk virtualThreads = jdks.get(CHILDREN.indexOf(virtualThreadsChild()));
        out.println(new Result(name())
                .put("runs", toRun)
                .put("failed_runs", failedRuns)
                .put("findings", anyFindings ? String.valueOf(findingsTotal) : "-")
                .put("finding_lines", findingLines)
                .put("jdk", here)
                .put("virtual_threads_jdk", virtualThreads.found() ? String.valueOf(virtualThreads.feature()) : "none"));
        return failedRuns == 0 ? 0 : 1;
    }

    /** What the tour passes to {@code c}'s demo, before the {@code --quiet} that {@link #runChild} adds. */
    static List<String> childArgs(Child c, List<String> passThrough) {
        List<String> args = new ArrayList<>(c.args());
        if (c.requestResponse()) {
            args.addAll(passThrough);
        }
        return args;
    }

    private static Child virtualThreadsChild() {
        return CHILDREN.stream().filter(c -> c.demo().equals("virtual-threads")).findFirst().orElseThrow();
    }

    /** This JVM's java if it is new enough for {@code c}, else the newest JDK new enough beside it, if any. */
    static ChildJdk jdkFor(Child c, String java, int here) {
        if (here >= c.jdk()) {
            return new ChildJdk(java, here);
        }
        Optional<JdkBeside.Jdk> beside = JdkBeside.newest(Path.of(System.getProperty("java.home")), c.jdk());
        return beside.map(j -> new ChildJdk(j.java(), j.feature())).orElse(new ChildJdk(null, -1));
    }

    /** The one line saying which JDK runs {@code c} in place of this one, or that none was found beside it. */
    static String otherJdkLine(Child c, ChildJdk jdk, int here, Path javaHome) {
        return "tour: " + c.label() + " needs JDK " + c.jdk() + "+: " + (jdk.found()
                ? "it runs on JDK " + jdk.feature() + " (" + jdk.java() + "), found beside this JDK " + here
                : "skipped, no JDK " + c.jdk() + "+ is installed beside this JDK " + here + " (in "
                        + javaHome.getParent() + ")");
    }

    /**
     * Under the table, what the agent said when observing each stalling demo: a finding of the kind the tour
     * fixes, naming the call site and the fix. Returns how many stalling demos had one.
     */
    private static int printFindingLines(PrintStream out, List<Run[]> runs, List<ChildJdk> jdks) {
        out.println();
        out.println("What tinygram said, observing each stalling demo (a finding: the call site, and the fix):");
        int found = 0;
        for (int i = 0; i < CHILDREN.size(); i++) {
            Child c = CHILDREN.get(i);
            if (c.finding() == null) {
                continue;
            }
            String line = FindingLine.pick(runs.get(i)[1].stderr(), c.finding());
            if (line != null) {
                found++;
            }
            out.println("  " + c.label() + ":");
            out.println("    " + (line != null ? line
                    : !jdks.get(i).found() ? "not run: it needs JDK " + c.jdk() + "+"
                    : "no finding line in the agent's output"));
        }
        return found;
    }

    private static String cell(Run r) {
        if (r.timedOut()) {
            return "timeout";
        }
        Map<String, String> m = r.result();
        String s;
        if ("true".equals(m.get("skipped"))) {
            s = "skipped";
        } else if (m.containsKey("p50_ms")) {
            s = m.get("p50_ms") + " ms";
        } else if (m.containsKey("mb_per_s")) {
            s = m.get("mb_per_s") + " MB/s";
        } else {
            s = "no RESULT";
        }
        if (m.containsKey("integrity") && !"ok".equals(m.get("integrity"))) {
            s += " integrity=" + m.get("integrity");
        }
        if (r.exit() != 0) {
            s += " (exit " + r.exit() + ")";
        }
        return s;
    }

    private static void printTable(PrintStream out, List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] row : rows) {
            for (int c = 0; c < cols; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder sb = new StringBuilder("|");
            for (int c = 0; c < cols; c++) {
                sb.append(' ').append(pad(rows.get(r)[c], width[c])).append(" |");
            }
            out.println(sb);
            if (r == 0) {
                StringBuilder sep = new StringBuilder("|");
                for (int c = 0; c < cols; c++) {
                    sep.append('-').append("-".repeat(width[c])).append("-|");
                }
                out.println(sep);
            }
        }
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(w - s.length());
    }

    /**
     * Runs one demo in a child JVM; with {@code agent}, attached with {@code agentArgs} and a report file whose
     * findings are counted.
     */
    static Run runChild(String java, List<String> launch, String demo, List<String> args, Path agent,
                        String agentArgs, int timeoutSeconds) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile("tinygram-tour-", ".out");
        Path stderr = Files.createTempFile("tinygram-tour-", ".err");
        Path report = null;
        try {
            List<String> cmd = new ArrayList<>();
            cmd.add(java);
            if (agent != null) {
                report = Files.createTempFile("tinygram-report-", ".jsonl");
                Files.delete(report); // absent afterwards = the agent wrote no report
                cmd.add("-javaagent:" + agent + "=report=" + report + (agentArgs.isEmpty() ? "" : "," + agentArgs));
            }
            cmd.addAll(launch);
            cmd.add(demo);
            cmd.addAll(args);
            cmd.add("--quiet");
            Process p = new ProcessBuilder(cmd)
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
                    .start();
            boolean timedOut = false;
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                timedOut = true;
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            int exit = p.isAlive() ? -1 : p.exitValue();
            String resultLine = null;
            for (String line : Files.readAllLines(stdout, StandardCharsets.UTF_8)) {
                if (line.startsWith("RESULT ")) {
                    resultLine = line;
                }
            }
            Integer findings = null;
            if (report != null && Files.isRegularFile(report)) {
                int count = 0;
                for (String line : Files.readAllLines(report, StandardCharsets.UTF_8)) {
                    if (!line.isBlank() && WWR_FINDING.matcher(line).find()) {
                        count++;
                    }
                }
                findings = count;
            }
            return new Run(exit, timedOut, Result.parse(resultLine), findings,
                    Files.readAllLines(stderr, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
            if (report != null) {
                Files.deleteIfExists(report);
            }
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
