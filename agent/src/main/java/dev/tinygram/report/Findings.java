package dev.tinygram.report;

import dev.tinygram.core.ReadOutcome;
import dev.tinygram.core.StallPrediction;
import dev.tinygram.observe.Api;
import dev.tinygram.observe.CallSites;
import dev.tinygram.observe.Endpoint;
import dev.tinygram.observe.Finding;
import dev.tinygram.observe.FindingSink;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;

/**
 * Routes findings: counters per call site, the log (the first per connection and call site in full, then at
 * most one line per call site every {@link #LOG_INTERVAL_NANOS}), and the report file (the first per
 * connection and call site at once, then at most one aggregated line per second each, and the rest when the
 * connection closes or the JVM exits).
 */
public final class Findings implements FindingSink {
    static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    static final long REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Logger log;
    private volatile ReportFile report;
    private volatile String mode;
    private final LongSupplier clock;
    private final Map<String, CallSiteStats> bySite = new ConcurrentHashMap<>();
    private final Map<Key, Pending> byConnectionAndSite = new ConcurrentHashMap<>();
    private volatile boolean reportBroken;
    private final java.util.Set<String> restoredSites = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicBoolean coalesceFallbackSaid =
            new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Spelled out rather than generated: a record's generated equals and hashCode link through
     * {@code ObjectMethods} at first use, milliseconds spent inside the application's first stalled read.
     */
    private record Key(Endpoint endpoint, String callSite) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && endpoint.equals(k.endpoint) && callSite.equals(k.callSite);
        }

        @Override
        public int hashCode() {
            return 31 * endpoint.hashCode() + callSite.hashCode();
        }
    }

    /** Findings of one connection and call site not yet written to the report. */
    private static final class Pending {
        long lastWrittenNanos;
        long count;
        Finding latest;
    }

    /**
     * Runs the first-finding path once on made-up data, from a thread of the agent's own, and outputs nothing.
     * Otherwise the first finding of the run pays for formatting and first-use linkage (tens of milliseconds)
     * inside the application's read; on a fresh connection that even lengthens the peer's delayed ACK, which
     * Linux stretches toward the gaps it sees.
     */
    public static void warmUp() {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        Endpoint endpoint = new Endpoint(Api.SOCKET, address, address, false);
        long delay = 40_000_000L;
        StallPrediction stall = new StallPrediction(true, delay, delay, 5 * delay, 100, 100, true, 1460, delay);
        StackTraceElement frame = new StackTraceElement("WarmUp", "write", "WarmUp.java", 1);
        Finding f = new Finding(Instant.now(), endpoint, false, new long[] {100, 100},
                new ReadOutcome(stall, delay, true), List.of(frame), CallSites.format(frame), "none");
        Findings findings = new Findings(NOPLogger.NOP_LOGGER, null, "observe", System::nanoTime);
        findings.record(f);
        findings.record(f);
        FindingText.describe(f);
        ReportLine.of(f, "observe", 1);
    }

    public Findings(Logger log, ReportFile report, String mode, LongSupplier clock) {
        this.log = log;
        this.report = report;
        this.mode = mode;
        this.clock = clock;
    }

    @Override
    public void record(Finding f) {
        String site = f.callSite();
        CallSiteStats stats = bySite.computeIfAbsent(site, s -> new CallSiteStats());
        stats.occurrences.increment();
        if (!f.stallPredicted()) return;
        stats.predicted.increment();
        if (f.outcome().confirmed()) stats.confirmed.increment();
        if (!f.action().equals("none")) stats.avoided.increment();
        stats.lostNanos.add(f.outcome().waitNanos());
        JfrEvents.emit(f, mode);

        long now = clock.getAsLong();
        Key key = new Key(f.endpoint(), site);
        Pending pending = byConnectionAndSite.get(key);
        if (pending == null) {
            pending = new Pending();
            pending.lastWrittenNanos = now;
            byConnectionAndSite.put(key, pending);
            logFirst(f, stats, now);
            writeReport(f, 1);
            return;
        }
        logLater(site, f, stats, now);
        Finding toWrite = null;
        long count;
        synchronized (pending) {
            pending.count++;
            pending.latest = f;
            count = pending.count;
            if (now - pending.lastWrittenNanos >= REPORT_INTERVAL_NANOS) {
                toWrite = f;
                pending.count = 0;
                pending.latest = null;
                pending.lastWrittenNanos = now;
            }
        }
        if (toWrite != null) writeReport(toWrite, count);
    }

    @Override
    public void nodelayRestored(Endpoint endpoint, List<StackTraceElement> stack) {
        String site = dev.tinygram.observe.CallSites.callSite(stack);
        if (restoredSites.add(site)) {
            log.warn("{} turned TCP_NODELAY off on {} -> {}; tinygram turned it back on (mode={}). Exclude the "
                    + "remote with exclude= to let the application keep Nagle", site, Endpoint.text(endpoint.local()),
                    Endpoint.text(endpoint.remote()), mode);
        }
    }

    @Override
    public void coalesceFallback(Endpoint endpoint) {
        if (!coalesceFallbackSaid.getAndSet(true)) {
            log.info("mode=coalesce uses TCP_NODELAY instead for SocketChannel connections (first: {} -> {}): "
                    + "their writes may be non-blocking, and a buffered non-blocking write cannot keep its meaning",
                    Endpoint.text(endpoint.local()), Endpoint.text(endpoint.remote()));
        }
    }

    @Override
    public void closed(Endpoint endpoint) {
        byConnectionAndSite.entrySet().removeIf(e -> {
            if (!e.getKey().endpoint().equals(endpoint)) return false;
            flush(e.getValue());
            return true;
        });
    }

    /** Writes every aggregated line still pending, then the per-call-site summary to the log. */
    public void shutdown() {
        byConnectionAndSite.values().forEach(this::flush);
        byConnectionAndSite.clear();
        for (String line : summary()) log.info(line);
        if (report != null) {
            try {
                report.close();
            } catch (IOException ignored) {
                // nothing more to write
            }
        }
    }

    /** The mode changed while running: later findings carry the new one. */
    public void setMode(String mode) {
        this.mode = mode;
    }

    /** A new report file (attach again with another report=): pending lines go to the old one first. */
    public void setReport(ReportFile next) {
        ReportFile old = report;
        if (old == next) return;
        flushPending();
        report = next;
        reportBroken = false;
        if (old != null) {
            try {
                old.close();
            } catch (IOException ignored) {
                // nothing more to write there
            }
        }
    }

    public ReportFile report() {
        return report;
    }

    /** Writes every aggregated line still pending. */
    public void flushPending() {
        byConnectionAndSite.values().forEach(this::flush);
    }

    /** Totals over every call site: occurrences, predicted, confirmed, avoided. */
    public long[] totals() {
        long[] t = new long[4];
        for (CallSiteStats s : bySite.values()) {
            t[0] += s.occurrences.sum();
            t[1] += s.predicted.sum();
            t[2] += s.confirmed.sum();
            t[3] += s.avoided.sum();
        }
        return t;
    }

    /** Predicted stalls per call site. */
    public Map<String, Long> predictedByCallSite() {
        Map<String, Long> m = new java.util.TreeMap<>();
        bySite.forEach((site, s) -> m.put(site, s.predicted.sum()));
        return m;
    }

    /** Milliseconds spent waiting in predicted stalls, per call site. */
    public Map<String, Double> millisWaitedByCallSite() {
        Map<String, Double> m = new java.util.TreeMap<>();
        bySite.forEach((site, s) -> m.put(site, s.lostNanos.sum() / 1e6));
        return m;
    }

    /** One line per call site: occurrences, predicted, confirmed, time lost. */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        bySite.forEach((site, s) -> {
            if (s.predicted.sum() == 0) return;
            lines.add(String.format(Locale.ROOT,
                    "summary: %s: %d write-write-read, %d stalls predicted, %d confirmed, %d avoided by mode=%s, "
                            + "%.1f ms lost waiting", site, s.occurrences.sum(), s.predicted.sum(), s.confirmed.sum(),
                    s.avoided.sum(), mode, s.lostNanos.sum() / 1e6));
        });
        if (lines.isEmpty()) lines.add("summary: no write-write-read stall predicted");
        return lines;
    }

    private void flush(Pending pending) {
        Finding latest;
        long count;
        synchronized (pending) {
            latest = pending.latest;
            count = pending.count;
            pending.latest = null;
            pending.count = 0;
        }
        if (latest != null) writeReport(latest, count);
    }

    private void logFirst(Finding f, CallSiteStats stats, long now) {
        stats.lastLoggedNanos.set(now);
        if (!log.isWarnEnabled()) return;
        log.warn(FindingText.describe(f));
    }

    private void logLater(String site, Finding f, CallSiteStats stats, long now) {
        stats.unlogged.increment();
        stats.unloggedLostNanos.add(f.outcome().waitNanos());
        long last = stats.lastLoggedNanos.get();
        if (now - last < LOG_INTERVAL_NANOS || !stats.lastLoggedNanos.compareAndSet(last, now)) return;
        long count = stats.unlogged.sumThenReset();
        long lost = stats.unloggedLostNanos.sumThenReset();
        if (log.isWarnEnabled()) {
            log.warn(String.format(Locale.ROOT, "%d more write-write-read at %s in the last %.0f s, %.1f ms spent "
                    + "waiting%s", count, site, (now - last) / 1e9, lost / 1e6,
                    f.action().equals("none") ? "" : " (tinygram: " + f.action() + ")"));
        }
    }

    private void writeReport(Finding f, long occurrences) {
        if (report == null || reportBroken) return;
        try {
            report.write(ReportLine.of(f, mode, occurrences));
        } catch (IOException e) {
            reportBroken = true;
            log.error("cannot write the report {} ({}); findings go on to the log only", report.path(), e.toString());
        }
    }
}
