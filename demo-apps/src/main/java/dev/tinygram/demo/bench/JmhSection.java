package dev.tinygram.demo.bench;

import dev.tinygram.demo.bench.BenchPlan.JmhPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Section 3: the JMH micro-benchmarks, run from their own jar (see {@link Jmh}). */
final class JmhSection implements Section {
    private final BenchContext ctx;
    private final JmhPlan plan;

    JmhSection(BenchContext ctx) {
        this.ctx = ctx;
        this.plan = ctx.plan.jmh();
    }

    @Override
    public void run() throws Exception {
        ctx.md.println("## 3. JMH micro-benchmarks");
        ctx.md.println();
        Path jar = findJar();
        if (jar == null) {
            ctx.md.println("Not run: bench/target/tinygram-jmh.jar not found. Build it (from the repository root: "
                    + "`mvn -B -q -pl bench -am package -DskipTests`) and run bench again.");
            ctx.md.println();
            return;
        }
        ctx.progress("3/5 JMH (up to " + plan.timeoutSeconds() + " s)");
        List<String> args = new ArrayList<>(plan.args());
        // WritePathBench attaches the agent to its observe fork: the one this bench measures
        args.addAll(List.of("-jvmArgsPrepend", "-Dbench.agentJar=" + ctx.children.agent));
        if (Runtime.version().feature() < 22) {
            // the kernel calls go through the FFM API, final in JDK 22: KernelBench's setup would fail here
            args.addAll(List.of("-e", "KernelBench"));
            ctx.md.println("`KernelBench` is not run on JDK " + Runtime.version().feature() + ": it needs JDK 22 or"
                    + " later.");
            ctx.md.println();
        }
        if (!Jmh.section(ctx.md, ctx.err, ctx.children.java, jar, args, ctx.outDir, plan.timeoutSeconds())) {
            ctx.failed();
        }
        ctx.md.println();
    }

    /** Under the working directory (the repository root), else next to this jar's module; null when neither. */
    private Path findJar() {
        for (Path p : List.of(Path.of("bench/target/tinygram-jmh.jar"),
                ctx.children.self.getParent().resolve("../../bench/target/tinygram-jmh.jar"))) {
            if (Files.isRegularFile(p)) return p.toAbsolutePath().normalize();
        }
        return null;
    }
}
