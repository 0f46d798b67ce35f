package dev.tinygram.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StatsTest {

    private static long[] oneTo(int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = i + 1;
        }
        return a;
    }

    @Test
    void nearestRankOnOneToHundred() {
        long[] a = oneTo(100);
        assertEquals(50, Stats.percentile(a, 50));
        assertEquals(99, Stats.percentile(a, 99));
        assertEquals(100, Stats.percentile(a, 100));
        assertEquals(1, Stats.percentile(a, 0));
        assertEquals(1, Stats.percentile(a, 1));
    }

    @Test
    void nearestRankRoundsUp() {
        long[] a = {10, 20, 30, 40};
        assertEquals(20, Stats.percentile(a, 50)); // rank ceil(2.0) = 2
        assertEquals(30, Stats.percentile(a, 51)); // rank ceil(2.04) = 3
        assertEquals(40, Stats.percentile(a, 99)); // rank ceil(3.96) = 4
        long[] b = oneTo(40);
        assertEquals(20, Stats.percentile(b, 50));
        assertEquals(40, Stats.percentile(b, 99)); // with 40 samples p99 is the max
    }

    @Test
    void singleValue() {
        assertEquals(7, Stats.percentile(new long[] {7}, 50));
        assertEquals(7, Stats.percentile(new long[] {7}, 99));
    }

    @Test
    void rejectsEmptyAndOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new long[0], 50));
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new long[] {1}, 101));
        assertThrows(IllegalArgumentException.class, () -> Stats.percentile(new long[] {1}, Double.NaN));
    }

    @Test
    void summarizeSortsACopyAndFormats() {
        long[] lat = {3_000_000, 1_000_000, 2_000_000, 44_070_000};
        Stats.Summary s = Stats.summarize(lat, 1_000_000_000L);
        assertEquals(4, s.count());
        assertEquals(2_000_000, s.p50());
        assertEquals(44_070_000, s.p99());
        assertEquals(44_070_000, s.max());
        assertEquals(4.0, s.rps(), 1e-9);
        assertEquals(3_000_000, lat[0], "input must not be reordered");
        assertEquals("44.070", Stats.ms(s.max()));
        assertEquals("0.110", Stats.ms(110_000));
    }
}
