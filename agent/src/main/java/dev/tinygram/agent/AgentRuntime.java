package dev.tinygram.agent;

import dev.tinygram.bootstrap.TinygramBridge;
import dev.tinygram.fix.CoalesceStats;
import dev.tinygram.fix.FlushTimer;
import dev.tinygram.fix.JdkWriter;
import dev.tinygram.hooks.HookTarget;
import dev.tinygram.hooks.HookTargets;
import dev.tinygram.observe.Endpoints;
import dev.tinygram.observe.Tracker;
import dev.tinygram.report.Findings;
import dev.tinygram.report.ReportFile;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.bytebuddy.agent.builder.AgentBuilder;
import org.slf4j.Logger;

/**
 * Installs the agent once: options, bootstrap bridge, tracker, hooks, self-test, one start-up line. Any failure
 * on the way, or later inside a hook, stands the agent down with one line and leaves the application alone.
 */
final class AgentRuntime {
    static final String VERSION = versionOf();
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static final AtomicBoolean STOOD_DOWN = new AtomicBoolean();
    private static volatile Instrumentation instrumentation;
    private static volatile Installer.Installed installed;

    private AgentRuntime() {}

    static void start(String args, Instrumentation inst) throws Exception {
        long started = System.nanoTime();
        AgentOptions options;
        try {
            options = AgentOptions.parse(args, System.getProperties());
        } catch (OptionException e) {
            System.err.println("tinygram: " + e.getMessage() + "; tinygram is not installed, the application runs"
                    + " without it");
            return;
        }
        if (options.mode() == Mode.OFF) {
            System.err.println("tinygram " + VERSION + ": mode=off, nothing installed");
            return;
        }
        if (!STARTED.compareAndSet(false, true)) {
            System.err.println("tinygram: already installed in this JVM; ignoring the second start");
            return;
        }
        int jdk = Runtime.version().feature();
        List<HookTarget> targets = HookTargets.forJdk(jdk);
        if (targets.isEmpty()) {
            System.err.println("tinygram: JDK " + Runtime.version() + " is below the supported floor (JDK "
                    + HookTargets.supportedFloor() + "); tinygram is not installed");
            return;
        }
        instrumentation = inst;
        BootstrapInjector.inject(inst);
        Logger log = AgentLog.create(options.logLevel());
        ReportFile report = openReport(options, log);
        Findings findings = new Findings(log, report, options.mode().label(), System::nanoTime);
        Tracker.Coalescing coalescing = options.fix().coalesce()
                ? new Tracker.Coalescing(new JdkWriter(), new FlushTimer(options.fix().maxDelayNanos()), new CoalesceStats())
                : null;
        Tracker tracker = new Tracker(new Tracker.Settings(options.profile(), options.mss(), options.stackDepth(),
                options.fix()), new Endpoints(), findings, System::nanoTime, coalescing);
        tracker.install(AgentRuntime::standDown);
        installed = Installer.install(inst, targets);
        new dev.tinygram.observe.CallSites(options.stackDepth()).capture();   // the first walk is slow: not on an app write
        Set<String> notSeen = new SelfTest().run();
        if (!installed.missing().isEmpty() || !notSeen.isEmpty()) {
            standDown("self-test failed on JDK " + Runtime.version() + ": hooks that did not take: "
                    + installed.missing() + ", events not seen: " + notSeen
                    + ". Please report this with your JDK version; the application runs without tinygram");
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            findings.shutdown();
            if (coalescing != null) log.info("summary: {}", coalescing.stats().describe());
        }, "tinygram-shutdown"));
        log.info("tinygram {}: {}; hooked {} methods ({}) on JDK {} ({}); self-test passed; ready in {} ms", VERSION,
                options.describe(), installed.hooked().size(), String.join(", ", installed.areas()),
                Runtime.version(), System.getProperty("java.vm.vendor"),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** An internal error inside a hook: stand down. */
    static void standDown(Throwable t) {
        standDown("disabled after an internal error (" + t + "); the application continues without tinygram");
    }

    private static void standDown(String why) {
        TinygramBridge.clear();
        if (!STOOD_DOWN.compareAndSet(false, true)) return;
        System.err.println("tinygram: " + why);
        Installer.Installed current = installed;
        Instrumentation inst = instrumentation;
        if (current != null && inst != null) {
            try {
                current.transformer().reset(inst, AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
            } catch (Throwable ignored) {
                // the hooks are already inert: the bridge has no handlers
            }
        }
    }

    private static ReportFile openReport(AgentOptions options, Logger log) {
        if (options.report() == null) return null;
        try {
            return ReportFile.open(options.report());
        } catch (IOException | RuntimeException e) {
            log.error("cannot write the report to {} ({}); findings go to the log only", options.report(),
                    e.toString());
            return null;
        }
    }

    private static String versionOf() {
        String v = AgentRuntime.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
