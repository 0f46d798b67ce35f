package dev.tinygram.demo.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** The top of the report: when, on what JDK and machine, with which agent; figures mean little without it. */
final class Header {
    private final BenchContext ctx;

    Header(BenchContext ctx) {
        this.ctx = ctx;
    }

    void print() {
        BenchPlan plan = ctx.plan;
        Children children = ctx.children;
        ctx.md.println("# tinygram benchmark (" + plan.name() + " run)");
        ctx.md.println();
        ctx.md.println("- date: " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
        ctx.md.println("- JDK: " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + "), "
                + children.java);
        ctx.md.printf(Locale.ROOT, "- machine: %d cores, %s %s, CPU: %s; load average at start %.2f%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("os.arch"), cpuModel(), ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
        ctx.md.println("- agent: " + children.agent);
        ctx.md.println("- every figure is measured in child JVMs in this run; ratios are to a baseline of the same run"
                + (plan.isSmoke() ? "\n- SMOKE run: sizes are cut to seconds; the figures only show that every table "
                + "works, not what the agent costs" : ""));
        ctx.md.println();
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
            return "not in /proc/cpuinfo";
        } catch (IOException | RuntimeException e) {
            return "unknown (/proc/cpuinfo not readable)";
        }
    }
}
