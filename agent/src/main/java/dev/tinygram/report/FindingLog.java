package dev.tinygram.report;

import dev.tinygram.observe.Finding;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * Findings in the log: the first of each connection and call site in full, then at most one line per call site
 * every {@link #INTERVAL_NANOS}, counting what it did not say.
 */
final class FindingLog {
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** What the log has not said yet of one call site. */
    private static final class Unsaid {
        final AtomicLong lastLoggedNanos = new AtomicLong(Long.MIN_VALUE);
        final LongAdder count = new LongAdder();
        final LongAdder lostNanos = new LongAdder();
    }

    private final Logger log;
    private final Map<String, Unsaid> bySite = new ConcurrentHashMap<>();

    FindingLog(Logger log) {
        this.log = log;
    }

    /** The first finding of a connection and call site. */
    void first(Finding f, long now) {
        unsaid(f).lastLoggedNanos.set(now);
        if (log.isWarnEnabled()) log.warn(FindingText.describe(f));
    }

    /** A later one: said, with those not said since, once the site's interval has passed. */
    void later(Finding f, long now) {
        Unsaid u = unsaid(f);
        u.count.increment();
        u.lostNanos.add(f.lostNanos());
        long last = u.lastLoggedNanos.get();
        if (now - last < INTERVAL_NANOS || !u.lastLoggedNanos.compareAndSet(last, now)) return;
        long count = u.count.sumThenReset();
        long lost = u.lostNanos.sumThenReset();
        if (log.isWarnEnabled()) {
            log.warn(String.format(Locale.ROOT, "%d more %s at %s in the last %.0f s, %.1f ms spent "
                    + "waiting%s", count, f.kind().label(), f.callSite(), (now - last) / 1e9, lost / 1e6,
                    f.action().fixed() ? " (tinygram: " + f.action().label() + ")" : ""));
        }
    }

    private Unsaid unsaid(Finding f) {
        return bySite.computeIfAbsent(f.callSite(), s -> new Unsaid());
    }
}
