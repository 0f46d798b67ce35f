package dev.tinygram.agent;

import dev.tinygram.bootstrap.TinygramBridge;
import dev.tinygram.conn.Endpoints;
import dev.tinygram.fix.Coalescing;
import dev.tinygram.fix.Fixer;
import dev.tinygram.fix.FlushTimer;
import dev.tinygram.fix.JdkWriter;
import dev.tinygram.fix.Remembered;
import dev.tinygram.hooks.HookTarget;
import dev.tinygram.hooks.HookTargets;
import dev.tinygram.kernel.KernelReader;
import dev.tinygram.observe.CallSites;
import dev.tinygram.report.Findings;
import dev.tinygram.report.ReportFile;
import dev.tinygram.tracker.ConnectionWarmUp;
import dev.tinygram.tracker.Tracker;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.ObjectName;

/**
 * The agent's life: installed once (options, bootstrap bridge, tracker, hooks, self-test, one start-up line),
 * reconfigured by a later start (attach again, or JMX), and stood down by mode=off, detach, or an internal error,
 * which flushes what is buffered, gives sockets back their own TCP_NODELAY and resets the JDK classes. Any failure
 * on the way leaves the application alone.
 *
 * <p>What the agent is at any moment is one immutable {@link Running} behind {@link #current}; every change
 * builds a new one under {@link #LOCK}.
 */
final class AgentRuntime {
    static final String VERSION = versionOf();
    private static final Object LOCK = new Object();
    /** Process-wide, once: the exit summary, the MBean, the warm-ups, and the kernel reader's opening. */
    private static final AtomicBoolean EXIT_HOOK_ADDED = new AtomicBoolean();
    private static final AtomicBoolean MBEAN_STARTED = new AtomicBoolean();
    private static final AtomicBoolean WARMED_UP = new AtomicBoolean();
    private static final AtomicBoolean KERNEL_READER_OPENED = new AtomicBoolean();
    /** Whether coalescing ever ran, for the exit summary. */
    private static final AtomicBoolean EVER_COALESCED = new AtomicBoolean();

    private static volatile Running current;

    private AgentRuntime() {}

    /** The agent now, or null before its first start. */
    static Running current() {
        return current;
    }

    static void start(String args, Instrumentation inst) throws Exception {
        AgentOptions options;
        Running now = current;
        try {
            options = AgentOptions.parse(args, System.getProperties());
        } catch (OptionException e) {
            System.err.println("tinygram: " + e.getMessage() + "; " + (now == null || !now.installed()
                    ? "tinygram is not installed, the application runs without it"
                    : "nothing changed, tinygram goes on with " + now.options().describe()));
            return;
        }
        apply(options, inst);
    }

    /** Makes {@code options} the agent's: installs, reconfigures or detaches. */
    static void apply(AgentOptions options, Instrumentation inst) throws Exception {
        synchronized (LOCK) {
            Running now = current;
            if (now != null && now.installed()) {
                reconfigure(now, options);
            } else if (options.mode() == Mode.OFF) {
                System.err.println("tinygram " + VERSION + ": mode=off, nothing installed");
            } else {
                install(now, options, inst);
            }
        }
    }

    private static void install(Running before, AgentOptions options, Instrumentation inst) throws Exception {
        long started = System.nanoTime();
        List<HookTarget> targets = HookTargets.forJdk(Runtime.version().feature());
        if (targets.isEmpty()) {
            System.err.println("tinygram: JDK " + Runtime.version() + " is below the supported floor (JDK "
                    + HookTargets.supportedFloor() + "); tinygram is not installed");
            return;
        }
        // First: no class that names the bridge's types may be loaded before they are in the boot loader. This
        // class names none in a signature check (the tracker installs itself), so it can be verified before.
        BootstrapInjector.inject(inst);
        long injected = System.nanoTime();
        Base base = before != null ? before.base() : Base.create(inst, options);
        base.findings().setReport(openReport(base, options));
        base.findings().setMode(options.mode().label());
        base.findings().setMinStallNanos(options.minStallNanos());
        base.findings().setMaxCallSites(options.maxCallSites());
        CallSites callSites = new CallSites(options.stackDepth());
        Fixer.Context context = new Fixer.Context(base.notices(), callSites::capture, System::nanoTime,
                base.streams(), base.quickack(), new Remembered(), base.corks());
        base.sayIfQuickackUnsupported(options);
        Fixer fixer = new Fixer(1, options.fix(), coalescingFor(base, options, null), context);
        Tracker.Settings settings = new Tracker.Settings(options.profile(), options.mss(), options.stackDepth(),
                base.kernel()::get);
        Tracker tracker = new Tracker(settings, new Endpoints(), base.findings(), System::nanoTime, fixer,
                AgentRuntime::standDown);
        tracker.install();
        warmUpOnce(base, settings);
        long built = System.nanoTime();
        Installer.Installed hooks = Installer.install(inst, targets);
        long hooked = System.nanoTime();
        current = new Running(base, options, hooks, tracker);
        callSites.capture();   // the first walk is slow: not on an application write
        Set<String> notSeen = new SelfTest().run();
        long tested = System.nanoTime();
        if (!hooks.missing().isEmpty() || !notSeen.isEmpty()) {
            standDown("self-test failed on JDK " + Runtime.version() + ": hooks that did not take: "
                    + hooks.missing() + ", events not seen: " + notSeen
                    + ". Please report this with your JDK version; the application runs without tinygram");
            return;
        }
        openKernelReaderOnce(base);   // first: the first findings carry its word only once it is open
        addExitSummaryOnce(base);
        registerMBeanOnce(base);
        base.log().debug("tinygram: start-up phases: bootstrap injection {} ms, the rest built {} ms, hooks {} ms,"
                + " self-test {} ms, then {} ms", millis(injected - started), millis(built - injected),
                millis(hooked - built), millis(tested - hooked), millis(System.nanoTime() - tested));
        String noKernel = KernelReader.unsupportedHere();
        base.log().info("tinygram {}: {}; hooked {} methods ({}) on JDK {} ({}); self-test passed; ready in {} ms{}",
                VERSION, options.describe(), hooks.hooked().size(), String.join(", ", hooks.areas()),
                Runtime.version(), System.getProperty("java.vm.vendor"),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                noKernel == null ? "" : "; kernel evidence off (" + noKernel + "): findings carry the model's");
    }

    /**
     * A second start while installed: change what can change live, hook nothing twice. The new tracker takes over
     * the connections, each of which catches up with the new fix at its next event. Coalescers the new options
     * would not keep (coalescing off, another maxDelay or bound) are retired at once, and meanwhile every write,
     * read and flush of theirs still goes through them, so nothing can overtake their bytes; then an old flush
     * timer stops.
     */
    private static void reconfigure(Running before, AgentOptions options) throws ReflectiveOperationException {
        if (options.mode() == Mode.OFF) {
            detach(before, "detached on request");
            return;
        }
        Base base = before.base();
        AgentOptions was = before.options();
        if (!Objects.equals(was.report(), options.report())) base.findings().setReport(openReport(base, options));
        base.findings().setMode(options.mode().label());
        base.findings().setMinStallNanos(options.minStallNanos());
        base.findings().setMaxCallSites(options.maxCallSites());
        Coalescing oldKit = before.coalescing();
        Fixer fixer = before.tracker().fixer().next(options.fix(), coalescingFor(base, options, oldKit));
        base.sayIfQuickackUnsupported(options);
        Tracker next = before.tracker().withFixer(fixer);
        if (!next.takeOverFrom(before.tracker())) return;   // stood down meanwhile: it stays down
        current = new Running(base, options, before.hooks(), next);
        next.retireStaleCoalescers();
        Tracker drained = next.drained();
        if (drained != next && drained.takeOverFrom(next)) current = new Running(base, options, before.hooks(), drained);
        stopTimerUnlessKept(oldKit, fixer.coalescing());
        String ignored = !was.profile().equals(options.profile()) || was.mss() != options.mss()
                || was.stackDepth() != options.stackDepth() || !was.logLevel().equals(options.logLevel())
                ? " (profile, mss, stackDepth and log keep their values from the first start)" : "";
        base.log().info("tinygram reconfigured: {}{}", options.describe(), ignored);
    }

    /**
     * mode=off while installed, or detach: every connection goes back to how the application set it up. A tracker
     * that fixes nothing takes over first, so no connection gets a new fix while the others are let go.
     */
    private static void detach(Running before, String why) {
        Tracker lettingGo = before.tracker().withFixer(before.tracker().fixer().lettingGo());
        if (lettingGo.takeOverFrom(before.tracker())) lettingGo.release();
        TinygramBridge.clear();
        try {
            before.hooks().reset(before.base().instrumentation());
        } catch (Throwable e) {
            before.base().log().warn("could not restore every JDK class ({}); the hooks stay, inert", e.toString());
        }
        before.tracker().reportLateStalls();
        before.base().findings().flushPending();
        stopTimerUnlessKept(before.coalescing(), null);
        current = before.detached();
        before.base().log().info("tinygram {}: hooks removed, {} open connections left as the application set them up",
                why, before.tracker().connectionsOpen());
    }

    /** An internal error inside a hook: stand down. */
    static void standDown(Throwable t) {
        standDown("disabled after an internal error (" + t + "); the application continues without tinygram");
    }

    private static void standDown(String why) {
        TinygramBridge.clear();
        System.err.println("tinygram: " + why);
        synchronized (LOCK) {
            TinygramBridge.clear();   // again: a reconfigure that held the lock may have installed its tracker
            Running now = current;
            if (now == null || !now.installed()) return;
            try {
                now.tracker().release();
            } catch (Throwable ignored) {
                // the bridge is already inert
            }
            try {
                now.hooks().reset(now.base().instrumentation());
            } catch (Throwable ignored) {
                // the hooks are already inert: the bridge has no sink
            }
            stopTimerUnlessKept(now.coalescing(), null);
            current = now.detached();
        }
    }

    /** The coalescing kit for {@code options}; a kit is reused while its maxDelay stays the same. */
    private static Coalescing coalescingFor(Base base, AgentOptions options, Coalescing previous)
            throws ReflectiveOperationException {
        if (!options.fix().coalesce()) return null;
        EVER_COALESCED.set(true);
        long maxDelay = options.fix().maxDelayNanos();
        if (previous != null && previous.timer().tickNanos() == FlushTimer.tickFor(maxDelay)) return previous;
        FlushTimer timer = new FlushTimer(maxDelay);
        return previous != null ? previous.withTimer(timer)
                : new Coalescing(new JdkWriter(), timer, base.senders(), base.coalesceStats());
    }

    private static void stopTimerUnlessKept(Coalescing old, Coalescing next) {
        if (old != null && (next == null || next.timer() != old.timer())) old.timer().stop();
    }

    private static ReportFile openReport(Base base, AgentOptions options) {
        if (options.report() == null) return null;
        if (base.findings().report() != null && base.findings().report().path().equals(options.report())) {
            return base.findings().report();
        }
        try {
            return ReportFile.open(options.report());
        } catch (IOException | RuntimeException e) {
            base.log().error("cannot write the report to {} ({}); findings go to the log only", options.report(),
                    e.toString());
            return null;
        }
    }

    private static void addExitSummaryOnce(Base base) {
        if (EXIT_HOOK_ADDED.getAndSet(true)) return;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Running now = current;
            if (now != null && now.installed()) now.tracker().reportLateStalls();
            base.findings().shutdown();
            if (EVER_COALESCED.get()) base.log().info("summary: {}", base.coalesceStats().describe());
        }, "tinygram-shutdown"));
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /**
     * The first connection's and the first finding's cold paths, run off the application's threads (see {@link
     * ConnectionWarmUp} and {@link Findings#warmUp}): started before the hooks are installed, they run beside
     * their install and the self-test, and are mostly done before the application's first request (started after
     * them, they ran inside it). Neither touches anything of the agent's, so they may run on if the self-test then
     * stands the agent down.
     */
    private static void warmUpOnce(Base base, Tracker.Settings settings) {
        if (WARMED_UP.getAndSet(true)) return;
        Thread t = new Thread(() -> {
            runAsAgentQuietly(base, "warm-up of the connection path", "the first connection pays for it", () -> {
                try {
                    ConnectionWarmUp.run(settings);
                } catch (IOException | ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            });
            runAsAgentQuietly(base, "warm-up of the findings path", "the first finding pays for it",
                    Findings::warmUp);
        }, "tinygram-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** Once the self-test passed, and off the application's threads: the kernel reader (JDK 22+) is opened. */
    private static void openKernelReaderOnce(Base base) {
        if (KERNEL_READER_OPENED.getAndSet(true)) return;
        Thread t = new Thread(() -> runAsAgentQuietly(base, "opening the kernel reader",
                "findings carry the model's", base::openKernelReader), "tinygram-kernel-reader");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Agent work on a thread of the agent's own: its socket calls unobserved, and a failure only a debug line,
     * never an uncaught trace in the application's output.
     */
    private static void runAsAgentQuietly(Base base, String what, String consequence, Runnable work) {
        try {
            TinygramBridge.runAsAgent(work);
        } catch (Throwable e) {
            base.log().debug("{} failed ({}); {}", what, e.toString(), consequence);
        }
    }

    /** Registered from a thread of its own: the platform MBean server takes a while to start, not the app's. */
    private static void registerMBeanOnce(Base base) {
        if (MBEAN_STARTED.getAndSet(true)) return;
        Thread t = new Thread(() -> {
            try {
                ObjectName name = new ObjectName(AgentMXBean.OBJECT_NAME);
                var server = ManagementFactory.getPlatformMBeanServer();
                if (!server.isRegistered(name)) {
                    AgentView view = new AgentView();
                    server.registerMBean(new AgentMBean(view, view::callSiteTotals), name);
                }
            } catch (Exception e) {
                base.log().warn("cannot register the {} MBean ({}); JMX and status will not see tinygram",
                        AgentMXBean.OBJECT_NAME, e.toString());
            }
        }, "tinygram-jmx");
        t.setDaemon(true);
        t.start();
    }

    private static String versionOf() {
        String v = AgentRuntime.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
