package dev.tinygram.report;

import dev.tinygram.conn.Endpoint;
import dev.tinygram.fix.FixNotices;
import dev.tinygram.observe.CallSites;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;

/** What the fix layer has to say, in the log: each restored TCP_NODELAY once per call site, the fallback once. */
public final class FixNoticeLog implements FixNotices {
    private final Logger log;
    private final Supplier<String> mode;
    private final Set<String> restoredSites = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean coalesceFallbackSaid = new AtomicBoolean();
    private final AtomicBoolean corkingSaid = new AtomicBoolean();

    public FixNoticeLog(Logger log, Supplier<String> mode) {
        this.log = log;
        this.mode = mode;
    }

    @Override
    public void nodelayRestored(Endpoint endpoint, List<StackTraceElement> stack) {
        String site = CallSites.callSite(stack);
        if (restoredSites.add(site)) {
            log.warn("{} turned TCP_NODELAY off on {} -> {}; tinygram turned it back on (mode={}). Exclude the "
                    + "remote with exclude= to let the application keep Nagle", site, Endpoint.text(endpoint.local()),
                    Endpoint.text(endpoint.remote()), mode.get());
        }
    }

    @Override
    public void coalesceFallback(Endpoint endpoint) {
        if (!coalesceFallbackSaid.getAndSet(true)) {
            log.info("mode=coalesce uses TCP_NODELAY instead for SocketChannel connections (first: {} -> {}): "
                    + "their writes may be non-blocking, and a buffered non-blocking write cannot keep its meaning;"
                    + " coalescing them in the kernel (TCP_CORK) needs JDK 22 or later on Linux",
                    Endpoint.text(endpoint.local()), Endpoint.text(endpoint.remote()));
        }
    }

    @Override
    public void corking(Endpoint endpoint) {
        if (!corkingSaid.getAndSet(true)) {
            log.info("mode=coalesce coalesces SocketChannel connections in the kernel, with TCP_CORK and"
                    + " TCP_NODELAY (first: {} -> {})", Endpoint.text(endpoint.local()),
                    Endpoint.text(endpoint.remote()));
        }
    }
}
