package dev.tinygram.demo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The pieces of {@code bench} that need no child JVM; the whole command runs in it-tests (BenchSmokeIT). */
class BenchPartsTest {

    @Test
    void thePlansKeepTheirSizes() {
        BenchPlan full = BenchPlan.FULL;
        assertEquals(new BenchPlan.LatencyPlan(List.of(), 5_000, 500, 30, 1, 100_000), full.latency());
        assertEquals(new BenchPlan.OverheadPlan(5, 60_000, 60_000, 2_000_000, 3_000_000), full.overhead());
        assertEquals(new BenchPlan.JmhPlan(List.of(), 480), full.jmh());
        assertEquals(new BenchPlan.StartupPlan(7, 3), full.startup());
        assertEquals(new BenchPlan.MemoryPlan(5_000, 100_000), full.memory());
        assertFalse(full.isSmoke());

        BenchPlan smoke = BenchPlan.SMOKE;
        assertEquals(new BenchPlan.LatencyPlan(List.of("wwr-client", "interactive"), 200, 20, 4, 1, 5_000),
                smoke.latency());
        assertEquals(new BenchPlan.OverheadPlan(1, 1_000, 100, 5_000, 1_000), smoke.overhead());
        assertEquals(List.of("-f", "1", "-wi", "1", "-i", "1", "-w", "200ms", "-r", "200ms"), smoke.jmh().args());
        assertEquals(300, smoke.jmh().timeoutSeconds());
        assertEquals(new BenchPlan.StartupPlan(1, 1), smoke.startup());
        assertEquals(new BenchPlan.MemoryPlan(200, 2_000), smoke.memory());
        assertTrue(smoke.isSmoke());
    }

    @Test
    void roundsAreDescribedAsTheReportSaysThem() {
        assertEquals("one run per cell", BenchPlan.FULL.latency().roundsDescription());
        assertEquals("3 interleaved rounds, median per cell",
                new BenchPlan.LatencyPlan(List.of(), 1, 1, 1, 3, 1).roundsDescription());
    }

    @Test
    void medianSkipsRunsWithoutTheFigure() {
        assertEquals(2.0, new Samples(new double[] {3, Double.NaN, 1}).median());
        assertEquals(2.5, new Samples(new double[] {4, 1, 2, 3}).median());
        assertTrue(Double.isNaN(new Samples(new double[] {Double.NaN}).median()));
        assertTrue(Double.isNaN(Samples.of(List.of()).min()));
    }

    @Test
    void figuresPrintTheSameEverywhere() {
        assertEquals("1.23x", Format.ratio(1.234));
        assertEquals("1,234x", Format.ratio(1234));
        assertEquals("0.00057x", Format.ratio(0.000571));
        assertEquals("n/a", Format.ratio(Double.NaN));
        assertEquals("n/a", Format.ratio(1 / 0.0));
        assertEquals("12,345.7", Format.num(12_345.67, 1));
        assertEquals("n/a", Format.num(Double.NaN, 3));
        assertEquals("512 B", Format.bytes(512));
        assertEquals("1.5 KiB", Format.bytes(1536));
        assertEquals("-2.00 MiB", Format.bytes(-2 * 1024 * 1024));
    }

    @Test
    void latencyRatiosToAFailedBaselineAreNotANumber() {
        LatencyResult cell = new LatencyResult(1, 2, 300, 1);
        LatencyResult.Ratios vsItself = cell.over(cell);
        assertEquals(new LatencyResult.Ratios(1, 1, 1, 1), vsItself);
        assertTrue(Double.isNaN(cell.over(LatencyResult.NOT_MEASURED).p50()));
    }

    @Test
    void memoryResultReadsTheChildsResultLine() {
        Children.Run run = new Children.Run(0, false, Children.parse("RESULT demo=bench-memory agent=true open=2 "
                + "heap_base=1000 heap_open=3000 heap_closed=1100 tracked_sockets=4 churn=10 churn_s=0.5 "
                + "checkpoints=5:1200,10:1210 agent_open_after=0"), List.of(), List.of(), 1);
        MemoryResult m = MemoryResult.of(run);
        assertEquals(1000.0, m.perConnection(2));
        assertEquals(4.0, m.trackedSockets());
        assertEquals("0.5", m.churnSeconds());
        assertEquals(0.5, m.churnSecondsValue());
        assertEquals("0", m.agentOpenAfter());
        assertEquals(List.of(new MemoryResult.Checkpoint(5, 1200), new MemoryResult.Checkpoint(10, 1210)),
                m.checkpoints());

        Children.Run noChurn = new Children.Run(0, false, Children.parse("RESULT checkpoints=none"), List.of(),
                List.of(), 1);
        assertEquals(List.of(), MemoryResult.of(noChurn).checkpoints());
        assertTrue(Double.isNaN(MemoryResult.of(noChurn).churnSecondsValue()));
    }

    @Test
    void theLastCoreOfAKernelCpuListIsFound() {
        assertEquals("11", OverheadSection.lastCoreOf("0-3,8-11"));
        assertEquals("5", OverheadSection.lastCoreOf(" 5\n"));
        assertEquals("1", OverheadSection.lastCoreOf("0-1"));
    }
}
