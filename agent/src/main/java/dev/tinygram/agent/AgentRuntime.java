package dev.tinygram.agent;

import dev.tinygram.bootstrap.TinygramBridge;
import dev.tinygram.fix.CoalesceStats;
import dev.tinygram.fix.FlushTimer;
import dev.tinygram.fix.JdkWriter;
import dev.tinygram.fix.SendThreads;
import dev.tinygram.hooks.HookTarget;
import dev.tinygram.hooks.HookTargets;
import dev.tinygram.observe.CallSites;
import dev.tinygram.observe.Endpoints;
import dev.tinygram.observe.Tracker;
import dev.tinygram.report.Findings;
import dev.tinygram.report.ReportFile;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.slf4j.Logger;

/**
 * The agent's life: installed once (options, bootstrap bridge, tracker, hooks, self-test, one start-up line),
 * reconfigured by a later start (attach again, or JMX), and stood down by mode=off, detach, or an internal error,
 * which flushes what is buffered, gives sockets back their own TCP_NODELAY and resets the JDK classes. Any failure
 * on the way leaves the application alone.
 */
final class AgentRuntime {
    static final String VERSION = versionOf();
    private static final Object LOCK = new Object();

    private static Instrumentation instrumentation;
    private static Logger log;
    private static Findings findings;
    private static Tracker.Coalescing coalescing;
    private static boolean shutdownHookAdded;
    private static volatile Installer.Installed installed;
    private static volatile Tracker tracker;
    private static volatile AgentOptions current;

    private AgentRuntime() {}

    static void start(String args, Instrumentation inst) throws Exception {
        AgentOptions options;
        try {
            options = AgentOptions.parse(args, System.getProperties());
        } catch (OptionException e) {
            System.err.println("tinygram: " + e.getMessage() + "; " + (installed == null
                    ? "tinygram is not installed, the application runs without it"
                    : "nothing changed, tinygram goes on with " + current.describe()));
            return;
        }
        synchronized (LOCK) {
            if (installed != null) {
                reconfigure(options);
            } else if (options.mode() == Mode.OFF) {
                System.err.println("tinygram " + VERSION + ": mode=off, nothing installed");
            } else {
                install(options, inst);
            }
        }
    }

    private static void install(AgentOptions options, Instrumentation inst) throws Exception {
        long started = System.nanoTime();
        List<HookTarget> targets = HookTargets.forJdk(Runtime.version().feature());
        if (targets.isEmpty()) {
            System.err.println("tinygram: JDK " + Runtime.version() + " is below the supported floor (JDK "
                    + HookTargets.supportedFloor() + "); tinygram is not installed");
            return;
        }
        instrumentation = inst;
        BootstrapInjector.inject(inst);
        if (log == null) log = AgentLog.create(options.logLevel());
        ReportFile report = openReport(options);
        if (findings == null) {
            findings = new Findings(log, report, options.mode().label(), System::nanoTime);
        } else {
            findings.setMode(options.mode().label());
            findings.setReport(report);
        }
        Tracker t = new Tracker(new Tracker.Settings(options.profile(), options.mss(), options.stackDepth()),
                new Endpoints(), findings, System::nanoTime, options.fix(), coalescingFor(options));
        t.install(AgentRuntime::standDown);
        Installer.Installed hooks = Installer.install(inst, targets);
        installed = hooks;
        tracker = t;
        current = options;
        new CallSites(options.stackDepth()).capture();   // the first walk is slow: not on an application write
        Set<String> notSeen = new SelfTest().run();
        if (!hooks.missing().isEmpty() || !notSeen.isEmpty()) {
            standDown("self-test failed on JDK " + Runtime.version() + ": hooks that did not take: "
                    + hooks.missing() + ", events not seen: " + notSeen
                    + ". Please report this with your JDK version; the application runs without tinygram");
            return;
        }
        addShutdownHookOnce();
        registerMBeanOnce();
        warmUpFindingsOnce();
        log.info("tinygram {}: {}; hooked {} methods ({}) on JDK {} ({}); self-test passed; ready in {} ms", VERSION,
                options.describe(), hooks.hooked().size(), String.join(", ", hooks.areas()), Runtime.version(),
                System.getProperty("java.vm.vendor"), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** A second start while installed: change what can change live, hook nothing twice. */
    private static void reconfigure(AgentOptions options) {
        if (options.mode() == Mode.OFF) {
            detach("detached on request");
            return;
        }
        AgentOptions before = current;
        if (!Objects.equals(before.report(), options.report())) findings.setReport(openReport(options));
        findings.setMode(options.mode().label());
        tracker.changeFix(options.fix(), coalescingFor(options), AgentRuntime::standDown);
        current = options;
        String ignored = !before.profile().equals(options.profile()) || before.mss() != options.mss()
                || before.stackDepth() != options.stackDepth() || !before.logLevel().equals(options.logLevel())
                ? " (profile, mss, stackDepth and log keep their values from the first start)" : "";
        log.info("tinygram reconfigured: {}{}", options.describe(), ignored);
    }

    /** mode=off while installed, or detach: every connection goes back to how the application set it up. */
    private static void detach(String why) {
        Tracker t = tracker;
        Installer.Installed hooks = installed;
        if (t == null || hooks == null) return;
        t.release();
        TinygramBridge.clear();
        try {
            hooks.reset(instrumentation);
        } catch (Throwable e) {
            log.warn("could not restore every JDK class ({}); the hooks stay, inert", e.toString());
        }
        findings.flushPending();
        tracker = null;
        installed = null;
        log.info("tinygram {}: hooks removed, {} open connections left as the application set them up", why,
                t.connectionsOpen());
    }

    /** An internal error inside a hook: stand down. */
    static void standDown(Throwable t) {
        standDown("disabled after an internal error (" + t + "); the application continues without tinygram");
    }

    private static void standDown(String why) {
        TinygramBridge.clear();
        System.err.println("tinygram: " + why);
        synchronized (LOCK) {
            Tracker t = tracker;
            if (t != null) {
                try {
                    t.release();
                } catch (Throwable ignored) {
                    // the bridge is already inert
                }
            }
            Installer.Installed hooks = installed;
            if (hooks != null) {
                try {
                    hooks.reset(instrumentation);
                } catch (Throwable ignored) {
                    // the hooks are already inert: the bridge has no handlers
                }
            }
            tracker = null;
            installed = null;
        }
    }

    private static Tracker.Coalescing coalescingFor(AgentOptions options) throws RuntimeException {
        if (!options.fix().coalesce()) return null;
        if (coalescing == null) {
            try {
                coalescing = new Tracker.Coalescing(new JdkWriter(), new FlushTimer(options.fix().maxDelayNanos()),
                        new SendThreads(), new CoalesceStats());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("coalescing needs sun.nio.ch.NioSocketImpl.write", e);
            }
        }
        return coalescing;
    }

    private static ReportFile openReport(AgentOptions options) {
        if (options.report() == null) return null;
        try {
            return ReportFile.open(options.report());
        } catch (IOException | RuntimeException e) {
            log.error("cannot write the report to {} ({}); findings go to the log only", options.report(),
                    e.toString());
            return null;
        }
    }

    private static void addShutdownHookOnce() {
        if (shutdownHookAdded) return;
        shutdownHookAdded = true;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            findings.shutdown();
            if (coalescing != null) log.info("summary: {}", coalescing.stats().describe());
        }, "tinygram-shutdown"));
    }

    /** Registered from a thread of its own: the platform MBean server takes a while to start, not the app's. */
    private static boolean warmedUp;

    /** The first finding's cold path, run off the application's threads (see {@link Findings#warmUp}). */
    private static void warmUpFindingsOnce() {
        if (warmedUp) return;
        warmedUp = true;
        Thread t = new Thread(() -> {
            try {
                TinygramBridge.runAsAgent(Findings::warmUp);
            } catch (Throwable e) {
                log.debug("warm-up of the findings path failed ({}); the first finding pays for it", e.toString());
            }
        }, "tinygram-warm-up");
        t.setDaemon(true);
        t.start();
    }

    private static void registerMBeanOnce() {
        Thread t = new Thread(() -> {
            try {
                ObjectName name = new ObjectName(AgentMXBean.OBJECT_NAME);
                var server = ManagementFactory.getPlatformMBeanServer();
                if (!server.isRegistered(name)) server.registerMBean(new MXBean(), name);
            } catch (Exception e) {
                log.warn("cannot register the {} MBean ({}); JMX and status will not see tinygram",
                        AgentMXBean.OBJECT_NAME, e.toString());
            }
        }, "tinygram-jmx");
        t.setDaemon(true);
        t.start();
    }

    /** The MBean reads the runtime's current state; it outlives detach, which it reports as mode "off". */
    private static final class MXBean implements AgentMXBean {
        @Override
        public String getVersion() {
            return VERSION;
        }

        @Override
        public String getMode() {
            return installed == null ? "off" : current.mode().label();
        }

        @Override
        public void setMode(String mode) {
            try {
                Mode m = Mode.valueOf(mode.trim().toUpperCase(Locale.ROOT));
                synchronized (LOCK) {
                    if (installed != null) reconfigure(current.withMode(m));
                    else if (m != Mode.OFF) install(current.withMode(m), instrumentation);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad mode '" + mode + "': expected observe, nodelay, coalesce or off");
            } catch (Exception e) {
                throw new IllegalStateException("cannot change the mode: " + e.getMessage());
            }
        }

        @Override
        public String getOptions() {
            return installed == null ? "mode=off" : current.describe();
        }

        @Override
        public long getConnectionsTracked() {
            Tracker t = tracker;
            return t == null ? 0 : t.connectionsTracked();
        }

        @Override
        public long getConnectionsOpen() {
            Tracker t = tracker;
            return t == null ? 0 : t.connectionsOpen();
        }

        @Override
        public long getWriteWriteReads() {
            return findings.totals()[0];
        }

        @Override
        public long getStallsPredicted() {
            return findings.totals()[1];
        }

        @Override
        public long getStallsConfirmed() {
            return findings.totals()[2];
        }

        @Override
        public long getStallsAvoided() {
            return findings.totals()[3];
        }

        @Override
        public long getWritesCoalesced() {
            return coalescing == null ? 0 : coalescing.stats().writesBuffered();
        }

        @Override
        public long getBytesCoalesced() {
            return coalescing == null ? 0 : coalescing.stats().bytesBuffered();
        }

        @Override
        public Map<String, Long> getFlushesByCause() {
            Map<String, Long> m = new LinkedHashMap<>();
            for (CoalesceStats.Cause c : CoalesceStats.Cause.values()) {
                m.put(c.name().toLowerCase(Locale.ROOT), coalescing == null ? 0 : coalescing.stats().flushes(c));
            }
            return m;
        }

        @Override
        public Map<String, Long> getStallsPredictedByCallSite() {
            return findings.predictedByCallSite();
        }

        @Override
        public Map<String, Double> getMillisWaitedByCallSite() {
            return findings.millisWaitedByCallSite();
        }
    }

    private static String versionOf() {
        String v = AgentRuntime.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
