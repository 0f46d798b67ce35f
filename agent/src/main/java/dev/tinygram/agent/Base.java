package dev.tinygram.agent;

import dev.tinygram.fix.CoalesceStats;
import dev.tinygram.fix.Corks;
import dev.tinygram.fix.Quickack;
import dev.tinygram.fix.QuickackScope;
import dev.tinygram.fix.SendThreads;
import dev.tinygram.fix.SocketStreams;
import dev.tinygram.kernel.KernelReader;
import dev.tinygram.report.Findings;
import dev.tinygram.report.FixNoticeLog;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;

/**
 * What lives as long as the JVM once the agent first started, across detach and attach: the instrumentation, the
 * log (its level is the first start's), the findings and coalescing counters that JMX and the summary read, and
 * the send threads, the way from a flushed stream to its socket, the TCP_QUICKACK setter (null where the
 * platform has none), and the kernel reader (empty until opened, and where the platform has none).
 */
record Base(Instrumentation instrumentation, Logger log, Findings findings, FixNoticeLog notices,
            CoalesceStats coalesceStats, SendThreads senders, SocketStreams streams, Quickack quickack,
            AtomicReference<KernelReader> kernel) {

    /** After the bridge is injected: it opens java.net to the agent, which {@link SocketStreams} reads. */
    static Base create(Instrumentation inst, AgentOptions options) {
        Logger log = AgentLog.create(options.logLevel());
        Findings findings = new Findings(log, null, options.mode().label(), System::nanoTime);
        return new Base(inst, log, findings, new FixNoticeLog(log, findings::mode), new CoalesceStats(),
                new SendThreads(), new SocketStreams(), Quickack.load(), new AtomicReference<>());
    }

    /**
     * Opens the kernel reader (JDK 22 and later, on Linux), from a thread of the agent's own: defining its module
     * takes milliseconds that must not be the application's. Where there is none, the model carries on alone, and
     * only an unexpected failure is said at the default log level.
     */
    void openKernelReader() {
        try {
            long start = System.nanoTime();
            kernel.set(KernelReader.open(instrumentation, Base.class.getClassLoader()));
            log.info("tinygram: kernel evidence on after {} ms: findings carry TCP_INFO, read through the FFM API"
                    + " (native access enabled for module dev.tinygram.ffm only)",
                    (System.nanoTime() - start) / 1_000_000);
        } catch (UnsupportedOperationException e) {
            log.debug("tinygram: kernel evidence off ({}); findings carry the model's", e.getMessage());
        } catch (Exception | LinkageError e) {
            log.warn("tinygram: kernel evidence off ({}); findings carry the model's", e.toString());
        }
    }

    /** TCP_CORK through the kernel reader's module, once it is open (JDK 22+ on Linux). */
    Corks corks() {
        return new Corks() {
            @Override
            public boolean available() {
                return kernel.get() != null;
            }

            @Override
            public boolean set(Object channel, boolean on) {
                KernelReader k = kernel.get();
                return k != null && k.cork(channel, on);
            }
        };
    }

    /** quickack= asked for on a platform without TCP_QUICKACK: said once per start, and nothing changes. */
    void sayIfQuickackUnsupported(AgentOptions options) {
        if (quickack == null && options.fix().quickack() != QuickackScope.OFF) log.warn(Quickack.UNSUPPORTED);
    }
}
