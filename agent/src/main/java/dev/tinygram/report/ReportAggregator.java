package dev.tinygram.report;

import dev.tinygram.conn.Endpoint;
import dev.tinygram.core.HoldKind;
import dev.tinygram.observe.Finding;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Findings in the report file: the first of each connection, call site, kind and whether the model predicted it
 * ({@link Key}) at once, then at most one aggregated line per {@link #INTERVAL_NANOS} each, and the rest when the
 * connection closes or the JVM exits. Also the one place that knows whether a finding is the first of its key.
 */
final class ReportAggregator {
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * Spelled out rather than generated: a record's generated equals and hashCode link through
     * {@code ObjectMethods} at first use, milliseconds spent inside the application's first stalled read.
     */
    private record Key(Endpoint endpoint, String callSite, HoldKind kind, boolean predicted) {
        static Key of(Finding f) {
            return new Key(f.endpoint(), f.callSite(), f.kind(), f.outcome().predicted());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && endpoint.equals(k.endpoint) && callSite.equals(k.callSite) && kind == k.kind
                    && predicted == k.predicted;
        }

        @Override
        public int hashCode() {
            return (31 * endpoint.hashCode() + callSite.hashCode()) * 31 + kind.ordinal() * 2 + (predicted ? 1 : 0);
        }
    }

    /** Findings of one connection and call site not yet written. */
    private static final class Pending {
        long lastWrittenNanos;
        long count;
        /** Of those, the ones whose wait confirmed the prediction. */
        long confirmed;
        Finding latest;

        Pending(long now) {
            lastWrittenNanos = now;
        }
    }

    private final Logger log;
    private final Map<Key, Pending> byConnectionAndSite = new ConcurrentHashMap<>();
    private volatile ReportFile report;
    private volatile boolean broken;

    ReportAggregator(Logger log, ReportFile report) {
        this.log = log;
        this.report = report;
    }

    /**
     * Takes a finding; returns true when it is the first of its connection and call site, which is written at
     * once. Exactly one caller gets true, however many threads race.
     */
    boolean add(Finding f, String mode, long now) {
        Key key = Key.of(f);
        Pending pending = byConnectionAndSite.get(key);
        if (pending == null) {
            Pending raced = byConnectionAndSite.putIfAbsent(key, new Pending(now));
            if (raced == null) {
                write(f, mode, 1, f.outcome().confirmed() ? 1 : 0);
                return true;
            }
            pending = raced;
        }
        Finding toWrite = null;
        long count;
        long confirmed;
        synchronized (pending) {
            pending.count++;
            if (f.outcome().confirmed()) pending.confirmed++;
            pending.latest = f;
            count = pending.count;
            confirmed = pending.confirmed;
            if (now - pending.lastWrittenNanos >= INTERVAL_NANOS) {
                toWrite = f;
                pending.count = 0;
                pending.confirmed = 0;
                pending.latest = null;
                pending.lastWrittenNanos = now;
            }
        }
        if (toWrite != null) write(toWrite, mode, count, confirmed);
        return false;
    }

    /** The connection closed: its pending line is written, and its next finding would be a first again. */
    void closed(Endpoint endpoint, String mode) {
        byConnectionAndSite.entrySet().removeIf(e -> {
            if (!e.getKey().endpoint().equals(endpoint)) return false;
            flush(e.getValue(), mode);
            return true;
        });
    }

    /** Writes every aggregated line still pending. */
    void flushPending(String mode) {
        byConnectionAndSite.values().forEach(p -> flush(p, mode));
    }

    /** At exit: the pending lines, then the file closed. */
    void shutdown(String mode) {
        flushPending(mode);
        byConnectionAndSite.clear();
        closeQuietly(report);
    }

    ReportFile report() {
        return report;
    }

    /** A new report file (attach again with another report=): pending lines go to the old one first. */
    void setReport(ReportFile next, String mode) {
        ReportFile old = report;
        if (old == next) return;
        flushPending(mode);
        report = next;
        broken = false;
        closeQuietly(old);
    }

    private void flush(Pending pending, String mode) {
        Finding latest;
        long count;
        long confirmed;
        synchronized (pending) {
            latest = pending.latest;
            count = pending.count;
            confirmed = pending.confirmed;
            pending.latest = null;
            pending.count = 0;
            pending.confirmed = 0;
        }
        if (latest != null) write(latest, mode, count, confirmed);
    }

    private void write(Finding f, String mode, long occurrences, long confirmedOccurrences) {
        ReportFile r = report;
        if (r == null || broken) return;
        try {
            r.write(ReportLine.of(f, mode, occurrences, confirmedOccurrences));
        } catch (IOException e) {
            broken = true;
            log.error("cannot write the report {} ({}); findings go on to the log only", r.path(), e.toString());
        }
    }

    private static void closeQuietly(ReportFile r) {
        if (r == null) return;
        try {
            r.close();
        } catch (IOException ignored) {
            // nothing more to write there
        }
    }
}
