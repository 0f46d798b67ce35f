package dev.tinygram.report;

import dev.tinygram.core.HoldKind;
import dev.tinygram.observe.Finding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters per call site, across connections: what the JMX view, the summary and the throttled log read. */
final class CallSiteCounters {
    /** One call site's counters. */
    static final class Site {
        /** Bursts with a held write, then a read. */
        final LongAdder occurrences = new LongAdder();
        /** ... where the core predicted a hold worth reporting (a delayed-ACK stall, or a long Nagle hold). */
        final LongAdder predicted = new LongAdder();
        /** ... where the core predicted none, and the wait showed a delayed-ACK stall (a model error, made visible). */
        final LongAdder notPredicted = new LongAdder();
        /** ... and the measured wait confirmed it. */
        final LongAdder confirmed = new LongAdder();
        /** ... and tinygram fixed (nodelay or coalesced). */
        final LongAdder avoided = new LongAdder();
        /** ... where the kernel held nothing as the read began: a false alarm it stopped, counted, not reported. */
        final LongAdder contradicted = new LongAdder();
        /** Measured waits of the predicted stalls, beyond the path's round trip (which no fix can save). */
        final LongAdder lostNanos = new LongAdder();
        /**
         * Its place in the bounded view: the order of its first reported finding, or -1 before one. Only a
         * reported finding takes a place, so holds too cheap to report (or the kernel contradicted) never push a
         * real stall's call site into {@code other}.
         */
        final AtomicLong place = new AtomicLong(-1);
        /**
         * Which side stalls here, from its first reported finding. A call site is one side's: an outbound finding
         * names the held write, an inbound one the read that waited.
         */
        volatile String direction = CallSiteTotals.OUTBOUND;

        CallSiteTotals totals(String name, String direction) {
            return new CallSiteTotals(name, direction, predicted.sum(), notPredicted.sum(), confirmed.sum(), avoided.sum(),
                    lostNanos.sum() / 1e6);
        }
    }

    /** Totals over every call site. */
    record Totals(long occurrences, long predicted, long notPredicted, long confirmed, long avoided,
                  long contradicted) {}

    private final Map<String, Site> bySite = new ConcurrentHashMap<>();
    private final AtomicLong places = new AtomicLong();

    /** Counts a finding, and as predicted if it is {@code reported}; returns its site's counters. */
    Site count(Finding f, boolean reported) {
        Site site = bySite.computeIfAbsent(f.callSite(), s -> new Site());
        site.occurrences.increment();
        if (f.kernelContradicts()) site.contradicted.increment();
        if (!reported) return site;
        if (site.place.get() < 0) takePlace(site, f);
        (f.outcome().predicted() ? site.predicted : site.notPredicted).increment();
        if (f.outcome().confirmed()) site.confirmed.increment();
        if (f.action().fixed()) site.avoided.increment();
        site.lostNanos.add(f.lostNanos());
        return site;
    }

    /**
     * Gives a site its row, once. Under a lock, so places are handed out in order with none lost: a site that lost
     * a race for a place number could otherwise take row 50 for a scrape and move to 'other' at the next, and a
     * Prometheus counter would go down. It runs once per site.
     */
    private synchronized void takePlace(Site site, Finding first) {
        if (site.place.get() >= 0) return;
        site.direction = first.kind() == HoldKind.INBOUND_DELAYED_ACK ? CallSiteTotals.INBOUND : CallSiteTotals.OUTBOUND;
        site.place.set(places.getAndIncrement());
    }

    Totals totals() {
        long occurrences = 0;
        long predicted = 0;
        long notPredicted = 0;
        long confirmed = 0;
        long avoided = 0;
        long contradicted = 0;
        for (Site s : bySite.values()) {
            contradicted += s.contradicted.sum();
            occurrences += s.occurrences.sum();
            predicted += s.predicted.sum();
            notPredicted += s.notPredicted.sum();
            confirmed += s.confirmed.sum();
            avoided += s.avoided.sum();
        }
        return new Totals(occurrences, predicted, notPredicted, confirmed, avoided, contradicted);
    }

    /**
     * The call sites with a reported finding, at most {@code max} of them in the order of their first, then one
     * {@link CallSiteTotals#OTHER} row summing the rest. A call site keeps its row for the JVM's life (while
     * {@code max} stays), so each row's counts only grow: what a monitoring system needs from a counter.
     */
    List<CallSiteTotals> bounded(int max) {
        List<Map.Entry<String, Site>> placed = new ArrayList<>();
        for (Map.Entry<String, Site> e : bySite.entrySet()) {
            if (e.getValue().place.get() >= 0) placed.add(e);
        }
        placed.sort(Comparator.comparingLong(e -> e.getValue().place.get()));
        List<CallSiteTotals> rows = new ArrayList<>();
        CallSiteTotals other = null;
        for (Map.Entry<String, Site> e : placed) {
            if (rows.size() < max) {
                rows.add(e.getValue().totals(e.getKey(), e.getValue().direction));
            } else {
                CallSiteTotals t = e.getValue().totals(CallSiteTotals.OTHER, CallSiteTotals.ANY);
                other = other == null ? t : other.plus(t);
            }
        }
        if (other != null) rows.add(other);
        return rows;
    }

    Map<String, Long> predictedByCallSite(int max) {
        Map<String, Long> m = new TreeMap<>();
        for (CallSiteTotals t : bounded(max)) m.put(t.callSite(), t.stallsPredicted());
        return m;
    }

    Map<String, Double> millisWaitedByCallSite(int max) {
        Map<String, Double> m = new TreeMap<>();
        for (CallSiteTotals t : bounded(max)) m.put(t.callSite(), t.waitMs());
        return m;
    }

    /** One line per call site with a predicted stall: occurrences, predicted, confirmed, time lost. */
    List<String> summary(String mode) {
        List<String> lines = new ArrayList<>();
        bySite.forEach((site, s) -> {
            long notPredicted = s.notPredicted.sum();
            long contradicted = s.contradicted.sum();
            if (s.predicted.sum() == 0 && notPredicted == 0 && contradicted == 0) return;
            lines.add(String.format(Locale.ROOT,
                    "summary: %s: %d write-write-read, %d stalls predicted, %s%s%d confirmed, %d avoided by mode=%s, "
                            + "%.1f ms lost waiting", site, s.occurrences.sum(), s.predicted.sum(),
                    notPredicted == 0 ? "" : notPredicted + " measured but not predicted, ",
                    contradicted == 0 ? "" : contradicted + " more predicted but contradicted by the kernel (it held"
                            + " nothing as the read began), ", s.confirmed.sum(),
                    s.avoided.sum(), mode, s.lostNanos.sum() / 1e6));
        });
        if (lines.isEmpty()) lines.add("summary: no write-write-read stall predicted");
        return lines;
    }
}
