package dev.tinygram.report;

import static org.junit.jupiter.api.Assertions.*;

import dev.tinygram.conn.Api;
import dev.tinygram.conn.Endpoint;
import dev.tinygram.conn.FixAction;
import dev.tinygram.conn.Role;
import dev.tinygram.core.HoldKind;
import dev.tinygram.core.ReadOutcome;
import dev.tinygram.core.StallPrediction;
import dev.tinygram.kernel.TcpInfo;
import dev.tinygram.observe.Finding;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/** Where findings go, with a clock the test moves: counters, the throttled log, the aggregated report. */
class FindingsTest {
    private static final long MS = 1_000_000L;
    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final CapturingLogger log = new CapturingLogger();

    @TempDir
    Path dir;

    private static Endpoint endpoint(int port) {
        InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getLoopbackAddress(), 7000);
        return new Endpoint(Api.SOCKET, local, remote, false);
    }

    private static Finding finding(Endpoint e, String site, boolean stall, FixAction action, long waitMs) {
        StallPrediction p = new StallPrediction(stall ? HoldKind.DELAYED_ACK : HoldKind.NONE, 40 * MS, 41 * MS, 200 * MS, 100, 100, true, 1448, 40 * MS);
        return new Finding(Instant.EPOCH, e, Role.CLIENT, false, new long[] {100, 100}, new ReadOutcome(p, waitMs * MS,
                waitMs >= 30), List.of(new StackTraceElement("App", "send", "App.java", 7)), site, 1448, MS, action);
    }

    private Findings findings(ReportFile report) {
        return new Findings(log, report, "observe", clock::get);
    }

    @Test
    void theViewSaysWhichSideStallsAtACallSite() {
        Findings f = findings(null);
        f.record(finding(endpoint(1), "A.run(A.java:1)", true, FixAction.NONE, 41));
        StallPrediction inbound = new StallPrediction(HoldKind.INBOUND_DELAYED_ACK, 40 * MS, 41 * MS, 200 * MS, 6, 6,
                true, 1448, 40 * MS);
        f.record(new Finding(Instant.EPOCH, endpoint(2), Role.SERVER, false, new long[] {4, 6},
                new ReadOutcome(inbound, 44 * MS, true), List.of(new StackTraceElement("Srv", "serve", "Srv.java", 5)),
                "Srv.serve(Srv.java:5)", 1448, MS, FixAction.NONE));
        assertEquals(List.of(CallSiteTotals.OUTBOUND, CallSiteTotals.INBOUND),
                f.totalsByCallSite().stream().map(CallSiteTotals::direction).toList(),
                "a held write of ours, then a read of ours that waited for the peer's held rest");
    }

    @Test
    void countsPerCallSiteAndInTotal() {
        Findings f = findings(null);
        f.record(finding(endpoint(1), "A.run(A.java:1)", true, FixAction.NONE, 41));
        f.record(finding(endpoint(1), "A.run(A.java:1)", true, FixAction.NODELAY, 1));
        f.record(finding(endpoint(2), "B.run(B.java:2)", false, FixAction.NONE, 1));
        assertEquals(3, f.writeWriteReads());
        assertEquals(2, f.stallsPredicted());
        assertEquals(1, f.stallsConfirmed());
        assertEquals(1, f.stallsAvoided());
        assertEquals(2L, f.predictedByCallSite().get("A.run(A.java:1)"));
        assertNull(f.predictedByCallSite().get("B.run(B.java:2)"), "nothing reported there: no place in the view");
        assertEquals(40.0, f.millisWaitedByCallSite().get("A.run(A.java:1)"), 0.001, "beyond the 1 ms round trip");
        assertTrue(f.summary().get(0).contains("2 stalls predicted, 1 confirmed, 1 avoided by mode=observe"),
                f.summary().toString());
    }

    /**
     * The per-call-site view that JMX, and through it Prometheus, reads is bounded: the first call sites to stall
     * keep rows of their own for good, later ones are summed under {@code other}, so no row ever shrinks and the
     * rows always add up to the totals.
     */
    @Test
    void theCallSiteViewKeepsTheFirstMaxCallSitesAndSumsTheRestUnderOther() {
        Findings f = findings(null);
        f.setMaxCallSites(2);
        f.record(finding(endpoint(1), "Quiet.run(Quiet.java:9)", false, FixAction.NONE, 1));
        for (int site = 1; site <= 5; site++) {
            for (int n = 0; n < site; n++) {
                f.record(finding(endpoint(site), "S" + site + ".run(S.java:" + site + ")", true, FixAction.NONE, 41));
            }
        }
        f.record(finding(endpoint(1), "S1.run(S.java:1)", true, FixAction.NONE, 41));
        List<CallSiteTotals> rows = f.totalsByCallSite();
        assertEquals(List.of("S1.run(S.java:1)", "S2.run(S.java:2)", CallSiteTotals.OTHER),
                rows.stream().map(CallSiteTotals::callSite).toList(),
                "the first two to stall, then other; a call site with nothing reported takes no place");
        assertEquals(List.of(CallSiteTotals.OUTBOUND, CallSiteTotals.OUTBOUND, CallSiteTotals.ANY),
                rows.stream().map(CallSiteTotals::direction).toList(), "held writes of ours, then the sum of any");
        assertEquals(2, rows.get(0).stallsPredicted(), "a later stall at a placed call site stays in its row");
        assertEquals(2, rows.get(1).stallsPredicted());
        CallSiteTotals other = rows.get(2);
        assertEquals(3 + 4 + 5, other.stallsPredicted());
        assertEquals(3 + 4 + 5, other.stallsConfirmed());
        assertEquals((3 + 4 + 5) * 40.0, other.waitMs(), 0.001);
        assertEquals(f.stallsPredicted(), rows.stream().mapToLong(CallSiteTotals::stallsPredicted).sum());
        assertEquals(f.stallsConfirmed(), rows.stream().mapToLong(CallSiteTotals::stallsConfirmed).sum());
        assertEquals(Set.of("S1.run(S.java:1)", "S2.run(S.java:2)", CallSiteTotals.OTHER),
                f.predictedByCallSite().keySet(), "the JMX maps are bounded the same way");
        assertEquals(f.millisWaitedByCallSite().keySet(), f.predictedByCallSite().keySet());

        assertTrue(f.summary().stream().noneMatch(l -> l.contains(CallSiteTotals.OTHER)), f.summary().toString());
        f.setMaxCallSites(CallSiteTotals.DEFAULT_MAX_CALL_SITES);
        assertEquals(5, f.totalsByCallSite().size(), "a larger bound gives each its row back, and no other");
        assertEquals(5, f.summary().size(), "the exit summary names every call site with a stall: " + f.summary());
    }

    @Test
    void aPredictionTheKernelContradictsIsCountedNeverReported(@TempDir Path out) throws Exception {
        Path file = out.resolve("report.jsonl");
        Findings f = findings(ReportFile.open(file));
        Finding model = finding(endpoint(1), "A.run(A.java:1)", true, FixAction.NONE, 1);
        TcpInfo nothingHeld = new TcpInfo(1, 40_000, 32_768, 536, 0, 0, 0, 20, 9, 0, 5);
        TcpInfo held = new TcpInfo(1, 40_000, 32_768, 536, 1, 0, 0, 20, 9, 100, 5);
        f.record(withKernel(model, nothingHeld));
        assertEquals(1, f.stallsContradicted());
        assertEquals(0, f.stallsPredicted(), "not reported, so not a predicted stall");
        assertTrue(log.lines.isEmpty(), "nothing logged: " + log.lines);
        assertTrue(f.summary().get(0).contains("1 more predicted but contradicted by the kernel"), f.summary().toString());
        f.record(withKernel(model, held));
        assertEquals(1, f.stallsPredicted(), "the kernel agrees: reported");
        Finding nodelay = new Finding(model.time(), model.endpoint(), model.role(), true, model.writes(),
                model.outcome(), model.stack(), model.callSite(), model.mss(), model.rttNanos(), FixAction.NODELAY,
                nothingHeld);
        f.record(nodelay);
        assertEquals(1, f.stallsContradicted(), "with TCP_NODELAY on, nothing held is what the fix did");
        assertEquals(2, f.stallsPredicted());
        f.shutdown();
        List<String> lines = Files.readAllLines(file);
        assertFalse(lines.isEmpty());
        assertTrue(lines.stream().noneMatch(l -> l.contains("\"notsentBytes\":0") && l.contains("\"nodelay\":false")),
                "the contradicted read is in no line: " + lines);
    }

    private static Finding withKernel(Finding f, TcpInfo k) {
        return new Finding(f.time(), f.endpoint(), f.role(), f.nodelay(), f.writes(), f.outcome(), f.stack(),
                f.callSite(), f.mss(), f.rttNanos(), f.action(), k);
    }

    @Test
    void theLogSaysTheFirstInFullThenOneLinePerSiteEveryTenSeconds() {
        Findings f = findings(null);
        Endpoint e = endpoint(1);
        f.record(finding(e, "A.run(A.java:1)", true, FixAction.NONE, 41));
        assertEquals(1, log.at(Level.WARN).size());
        assertTrue(log.at(Level.WARN).get(0).startsWith("WARN write-write-read stall at A.run(A.java:1)"),
                log.lines.toString());
        for (int i = 0; i < 5; i++) {
            clock.addAndGet(MS);
            f.record(finding(e, "A.run(A.java:1)", true, FixAction.NONE, 41));
        }
        assertEquals(1, log.at(Level.WARN).size(), "quiet within ten seconds");
        clock.addAndGet(FindingLog.INTERVAL_NANOS);
        f.record(finding(e, "A.run(A.java:1)", true, FixAction.NONE, 41));
        assertEquals(2, log.at(Level.WARN).size());
        assertTrue(log.at(Level.WARN).get(1).contains("6 more write-write-read at A.run(A.java:1)"),
                log.lines.toString());
    }

    @Test
    void theReportGetsTheFirstAtOnceThenOneAggregatedLinePerSecondAndTheRestAtClose() throws Exception {
        Path path = dir.resolve("report.jsonl");
        Findings f = findings(ReportFile.open(path));
        Endpoint e = endpoint(1);
        f.record(finding(e, "A.run(A.java:1)", true, FixAction.NONE, 41));
        assertEquals(1, Files.readAllLines(path).size(), "the first at once");
        clock.addAndGet(100 * MS);
        f.record(finding(e, "A.run(A.java:1)", true, FixAction.NONE, 41));
        assertEquals(1, Files.readAllLines(path).size(), "held back within the second");
        clock.addAndGet(ReportAggregator.INTERVAL_NANOS);
        f.record(finding(e, "A.run(A.java:1)", true, FixAction.NONE, 41));
        List<String> lines = Files.readAllLines(path);
        assertEquals(2, lines.size());
        assertTrue(lines.get(1).contains("\"occurrences\":2"), lines.get(1));
        assertTrue(lines.get(1).contains("\"mss\":1448") && lines.get(1).contains("\"rttMs\":1.0"), lines.get(1));
        f.record(finding(e, "A.run(A.java:1)", true, FixAction.NONE, 41));
        f.closed(e);
        lines = Files.readAllLines(path);
        assertEquals(3, lines.size(), "what was pending is written when the connection closes");
        assertTrue(lines.get(2).contains("\"occurrences\":1") && lines.get(2).contains("\"action\":\"none\""),
                lines.get(2));
        assertTrue(ReportFile.isOwnerOnly(path));
    }

    @Test
    void anUnpredictedFindingIsCountedButNeitherLoggedNorReported() throws Exception {
        Path path = dir.resolve("quiet.jsonl");
        Findings f = findings(ReportFile.open(path));
        f.record(finding(endpoint(1), "A.run(A.java:1)", false, FixAction.NONE, 1));
        assertEquals(1, f.writeWriteReads());
        assertTrue(log.lines.isEmpty(), log.lines.toString());
        assertEquals(0, Files.readAllLines(path).size());
    }

    @Test
    void aNagleHoldIsReportedAsItsOwnKindOnlyFromMinStallUp() throws Exception {
        Path path = dir.resolve("hold.jsonl");
        Findings f = findings(ReportFile.open(path));
        f.setMinStallNanos(5 * MS);
        f.record(nagleHold(endpoint(1), 2 * MS));
        assertEquals(0, Files.readAllLines(path).size(), "a 2 ms hold is under minStall=5ms");
        assertEquals(0, f.stallsPredicted());
        f.record(nagleHold(endpoint(2), 20 * MS));
        List<String> lines = Files.readAllLines(path);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).contains("\"kind\":\"nagle-hold\"") && lines.get(0).contains("\"predictedStallMs\":20.0"),
                lines.get(0));
        assertTrue(log.at(Level.WARN).get(0).startsWith("WARN nagle-hold at A.run(A.java:1)"), log.lines.toString());
        assertTrue(log.at(Level.WARN).get(0).contains(FindingText.NAGLE_HOLD_HINT), log.lines.toString());
        assertEquals(2, f.writeWriteReads(), "both counted");
        assertEquals(1, f.stallsPredicted());
    }

    /** A stall the wait showed where the model predicted none is reported as such, and counted apart. */
    @Test
    void aStallNotPredictedIsReportedAsMeasuredAndCountedApart() throws Exception {
        Path path = dir.resolve("measured.jsonl");
        Findings f = findings(ReportFile.open(path));
        StallPrediction measured = new StallPrediction(HoldKind.DELAYED_ACK, 40 * MS, 0, 0, 0, 0, true, 65483,
                40 * MS);
        f.record(new Finding(Instant.EPOCH, endpoint(1), Role.SERVER, false, new long[] {65536, 65536, 3392},
                new ReadOutcome(measured, 41 * MS, true, false), List.of(new StackTraceElement("A", "run", "A.java",
                1)), "A.run(A.java:1)", 65483, MS, FixAction.NONE));
        String line = Files.readAllLines(path).get(0);
        assertTrue(line.contains("\"kind\":\"write-write-read\"") && line.contains("\"predicted\":false")
                && line.contains("\"predictedStallMs\":0.0") && line.contains("\"confirmed\":true")
                && line.contains("\"reason\":\"not predicted"), line);
        assertTrue(log.at(Level.WARN).get(0).contains("not predicted, measured"), log.lines.toString());
        assertEquals(0, f.stallsPredicted());
        assertEquals(1, f.stallsNotPredicted());
        assertEquals(1, f.stallsConfirmed());
        assertTrue(f.summary().get(0).contains("0 stalls predicted, 1 measured but not predicted, 1 confirmed"),
                f.summary().toString());
        f.record(finding(endpoint(2), "A.run(A.java:1)", true, FixAction.NONE, 41));
        assertTrue(Files.readAllLines(path).get(1).contains("\"predicted\":true"), "a predicted one says so");
    }

    private static Finding nagleHold(Endpoint e, long costNanos) {
        StallPrediction p = new StallPrediction(HoldKind.NAGLE_HOLD, costNanos, costNanos, costNanos, 104, 104, true,
                1448, 40 * MS);
        return new Finding(Instant.EPOCH, e, Role.CLIENT, false, new long[] {3000, 3000},
                new ReadOutcome(p, 2 * costNanos, true), List.of(new StackTraceElement("A", "run", "A.java", 1)),
                "A.run(A.java:1)", 1448, costNanos, FixAction.NONE);
    }

    /** An aggregated line is confirmed only when all it stands for were, and says how many were. */
    @Test
    void anAggregatedLineCountsItsConfirmedOccurrences() throws Exception {
        Path path = dir.resolve("mixed.jsonl");
        Findings f = findings(ReportFile.open(path));
        Endpoint e = endpoint(1);
        f.record(finding(e, "A.run(A.java:1)", true, FixAction.NONE, 41));    // the first line: confirmed
        f.record(finding(e, "A.run(A.java:1)", true, FixAction.NONE, 41));
        f.record(finding(e, "A.run(A.java:1)", true, FixAction.NONE, 10));    // waited too little: not confirmed
        f.record(finding(e, "A.run(A.java:1)", true, FixAction.NONE, 41));    // the latest: confirmed
        f.closed(e);
        List<String> lines = Files.readAllLines(path);
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("\"confirmed\":true") && lines.get(0).contains("\"confirmedOccurrences\":1"),
                lines.get(0));
        assertTrue(lines.get(1).contains("\"occurrences\":3") && lines.get(1).contains("\"confirmedOccurrences\":2")
                && lines.get(1).contains("\"confirmed\":false"), lines.get(1));
    }

    /** The first-finding check was a get-then-put: two threads could both write a "first" line. */
    @Test
    void racingFirstFindingsYieldExactlyOneFirstLine() throws Exception {
        Path path = dir.resolve("race.jsonl");
        for (int round = 0; round < 50; round++) {
            Files.deleteIfExists(path);
            CapturingLogger roundLog = new CapturingLogger();
            Findings f = new Findings(roundLog, ReportFile.open(path), "observe", clock::get);
            Endpoint e = endpoint(1000 + round);
            int threads = 8;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            try {
                for (int i = 0; i < threads; i++) {
                    pool.execute(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException ignored) {
                            return;
                        }
                        f.record(finding(e, "A.run(A.java:1)", true, FixAction.NONE, 41));
                    });
                }
                go.countDown();
            } finally {
                pool.shutdown();
                assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            }
            assertEquals(1, roundLog.at(Level.WARN).size(), "one first finding logged in full: " + roundLog.lines);
            assertEquals(1, Files.readAllLines(path).size(), "one first line in the report");
            f.closed(e);
            List<String> lines = Files.readAllLines(path);
            assertEquals(2, lines.size());
            assertTrue(lines.get(1).contains("\"occurrences\":" + (threads - 1)), lines.get(1));
        }
    }
}
