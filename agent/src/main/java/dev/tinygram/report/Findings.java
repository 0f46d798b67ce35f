package dev.tinygram.report;

import dev.tinygram.conn.Api;
import dev.tinygram.conn.Endpoint;
import dev.tinygram.conn.FixAction;
import dev.tinygram.conn.Role;
import dev.tinygram.core.HoldKind;
import dev.tinygram.core.ReadOutcome;
import dev.tinygram.core.StallPrediction;
import dev.tinygram.observe.CallSites;
import dev.tinygram.observe.Finding;
import dev.tinygram.observe.FindingSink;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;

/**
 * Where findings go. Each part has one job: {@link CallSiteCounters} counts (for JMX and the summary), {@link
 * ReportAggregator} writes the report file and knows which finding is the first of its connection and call site,
 * {@link FindingLog} throttles the log, {@link JfrEvents} emits JFR events. Lives as long as the JVM: counters
 * survive a detach and a new attach.
 */
public final class Findings implements FindingSink {
    private final CallSiteCounters counters = new CallSiteCounters();
    private final FindingLog log;
    private final ReportAggregator report;
    private final Logger logger;
    private final LongSupplier clock;
    private volatile String mode;
    /** The {@code minStall} option: holds that cost less are counted, not reported. */
    private volatile long minStallNanos = StallPrediction.DEFAULT_MIN_STALL_NANOS;
    /** The {@code maxCallSites} option: call sites with a row of their own in the JMX view. */
    private volatile int maxCallSites = CallSiteTotals.DEFAULT_MAX_CALL_SITES;


    public Findings(Logger log, ReportFile report, String mode, LongSupplier clock) {
        this.logger = log;
        this.log = new FindingLog(log);
        this.report = new ReportAggregator(log, report);
        this.mode = mode;
        this.clock = clock;
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
        StallPrediction stall = new StallPrediction(HoldKind.DELAYED_ACK, delay, delay, 5 * delay, 100, 100, true, 1460, delay);
        StackTraceElement frame = new StackTraceElement("WarmUp", "write", "WarmUp.java", 1);
        Finding f = new Finding(Instant.now(), endpoint, Role.CLIENT, false, new long[] {100, 100},
                new ReadOutcome(stall, delay, true), List.of(frame), CallSites.format(frame), 1448, 1_000_000,
                FixAction.NONE);
        Findings findings = new Findings(NOPLogger.NOP_LOGGER, null, "observe", System::nanoTime);
        findings.record(f);
        findings.record(f);
        FindingText.describe(f);
        ReportLine.of(f, "observe", 1, 1);
    }

    @Override
    public void record(Finding f) {
        boolean reported = f.worthReporting(minStallNanos);
        counters.count(f, reported);
        if (!reported) return;
        JfrEvents.emit(f, mode);
        long now = clock.getAsLong();
        if (report.add(f, mode, now)) {
            log.first(f, now);
        } else {
            log.later(f, now);
        }
    }

    @Override
    public void closed(Endpoint endpoint) {
        report.closed(endpoint, mode);
    }

    /** Writes every aggregated line still pending, then the per-call-site summary to the log. */
    public void shutdown() {
        report.shutdown(mode);
        for (String line : summary()) logger.info(line);
    }

    /** The {@code minStall} option changed (or was first set): later findings are judged by it. */
    public void setMinStallNanos(long nanos) {
        this.minStallNanos = nanos;
    }

    /** The {@code maxCallSites} option changed (or was first set): the JMX view is bounded by it from now on. */
    public void setMaxCallSites(int max) {
        this.maxCallSites = max;
    }

    @Override
    public long minStallNanos() {
        return minStallNanos;
    }

    /** The mode changed while running: later findings carry the new one. */
    public void setMode(String mode) {
        this.mode = mode;
    }

    public String mode() {
        return mode;
    }

    /** A new report file (attach again with another report=): pending lines go to the old one first. */
    public void setReport(ReportFile next) {
        report.setReport(next, mode);
    }

    public ReportFile report() {
        return report.report();
    }

    /** Writes every aggregated line still pending. */
    public void flushPending() {
        report.flushPending(mode);
    }

    /** Write-write-reads seen, over every call site. */
    public long writeWriteReads() {
        return counters.totals().occurrences();
    }

    public long stallsPredicted() {
        return counters.totals().predicted();
    }

    /** Stalls the wait showed where the model predicted none. */
    public long stallsNotPredicted() {
        return counters.totals().notPredicted();
    }

    /** Stalls the model predicted where the kernel held nothing as the read began: not reported. */
    public long stallsContradicted() {
        return counters.totals().contradicted();
    }

    public long stallsConfirmed() {
        return counters.totals().confirmed();
    }

    public long stallsAvoided() {
        return counters.totals().avoided();
    }

    /**
     * Totals per call site with a reported stall, for monitoring: at most {@code maxCallSites} rows, in the order
     * of their first stall, then an {@code other} row summing the rest (see {@link CallSiteCounters#bounded}).
     */
    public List<CallSiteTotals> totalsByCallSite() {
        return counters.bounded(maxCallSites);
    }

    /** Predicted stalls per call site, bounded as {@link #totalsByCallSite} is. */
    public Map<String, Long> predictedByCallSite() {
        return counters.predictedByCallSite(maxCallSites);
    }

    /** Milliseconds spent waiting in reported stalls, per call site, bounded as {@link #totalsByCallSite} is. */
    public Map<String, Double> millisWaitedByCallSite() {
        return counters.millisWaitedByCallSite(maxCallSites);
    }

    /** One line per call site: occurrences, predicted, confirmed, time lost. */
    public List<String> summary() {
        return counters.summary(mode);
    }
}
