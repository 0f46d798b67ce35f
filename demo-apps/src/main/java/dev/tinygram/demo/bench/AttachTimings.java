package dev.tinygram.demo.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Rows (c) of section 4: attach to and detach from a running wwr-client, timed end to end through the agent's
 * CLI, against the CLI doing nothing ({@code help}): most of an attach is the CLI's own JVM starting.
 */
final class AttachTimings {
    private static final String TARGET = "wwr-client";

    private final BenchContext ctx;
    private final int cycles;
    private final PrintStream md;
    private final List<Double> attachMs = new ArrayList<>();
    private final List<Double> detachMs = new ArrayList<>();
    private final List<Double> cliMs = new ArrayList<>();
    /** The last thing that went wrong, if any; one row says so. */
    private String problem;

    AttachTimings(BenchContext ctx) {
        this.ctx = ctx;
        this.cycles = ctx.plan.startup().attaches();
        this.md = ctx.md;
    }

    void run() throws Exception {
        for (int i = 0; i < cycles; i++) {
            ctx.progress("4/5 attach: " + (i + 1) + "/" + cycles);
            Children.Run help = Children.run(ctx.children.agentCli("help"), 60);
            if (!help.failed()) cliMs.add(help.wallNanos() / 1e6);
            cycle();
        }
        printRows();
    }

    /** One attach and detach on a fresh target; records the times or the problem. */
    private void cycle() throws Exception {
        Process target = new ProcessBuilder(ctx.children.demo(List.of(), null, TARGET,
                List.of("--duration", "120", "--quiet"))).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!awaitRunning(target)) {
                problem = "the target wwr-client printed no per-second line within 60 s";
                return;
            }
            String pid = String.valueOf(target.pid());
            Children.Run a = Children.run(ctx.children.agentCli("attach", pid, "mode=observe"), 120);
            if (a.failed()) {
                problem = "attach failed: " + a.why();
                return;
            }
            attachMs.add(a.wallNanos() / 1e6);
            Thread.sleep(1_000);   // let it observe a few stalled requests
            Children.Run d = Children.run(ctx.children.agentCli("detach", pid), 120);
            if (d.failed()) {
                problem = "detach failed: " + d.why();
                return;
            }
            detachMs.add(d.wallNanos() / 1e6);
        } finally {
            target.destroy();
            if (!target.waitFor(10, TimeUnit.SECONDS)) target.destroyForcibly();
        }
    }

    /** Waits for the target's first per-second line, so that attach meets a JVM that is serving requests. */
    private static boolean awaitRunning(Process target) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(target.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.startsWith("SECOND ")) running.countDown();
                }
            } catch (IOException ignored) {
                // the target was stopped
            }
        });
        reader.setDaemon(true);   // it drains the target's stdout until the target is stopped
        reader.start();
        return running.await(60, TimeUnit.SECONDS);
    }

    private void printRows() {
        if (problem != null) {
            ctx.failed();
            md.println("| (c) attach / detach | not measured: " + problem + " | | | | |");
        }
        Samples cli = Samples.of(cliMs);
        double base = cli.isEmpty() ? Double.NaN : cli.median();
        if (!cli.isEmpty()) {
            md.printf(Locale.ROOT, "| (c) baseline: `java -jar tinygram-agent.jar help` (the CLI's own start-up) "
                    + "| %.0f ms | %.0f ms | %.0f ms | baseline | |%n", base, cli.min(), cli.max());
        }
        printRow("(c) `attach PID mode=observe` to a running wwr-client, end to end", Samples.of(attachMs), base);
        printRow("(c) `detach PID`, end to end", Samples.of(detachMs), base);
    }

    private void printRow(String label, Samples ms, double cliBase) {
        if (ms.isEmpty()) return;
        md.printf(Locale.ROOT, "| %s, %d run(s) | %.0f ms | %.0f ms | %.0f ms | %s of the CLI's start-up | |%n",
                label, ms.size(), ms.median(), ms.min(), ms.max(), Format.ratio(ms.median() / cliBase));
    }
}
