package dev.tinygram.demo.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Part of section 1: every timed wwr-client request per mode, as OUT/wwr-latency-cdf.svg. */
final class LatencyCdf {
    /** Legend labels by mode name, in the order the curves are drawn (and coloured). */
    private static final Map<String, String> LABELS = new LinkedHashMap<>();

    static {
        LABELS.put("off", "off (no agent, Nagle stalls)");
        LABELS.put("observe", "mode=observe");
        LABELS.put("nodelay", "mode=nodelay");
        LABELS.put("coalesce", "mode=coalesce");
        LABELS.put("write-once", "write-once (the app's fix, no agent)");
    }

    private final BenchContext ctx;

    LatencyCdf(BenchContext ctx) {
        this.ctx = ctx;
    }

    /** {@code latencies}: ns per request by mode name. A mode without any is not drawn but keeps its colour. */
    void write(Map<String, List<Long>> latencies) throws IOException {
        Map<String, long[]> series = new LinkedHashMap<>();
        for (Map.Entry<String, String> mode : LABELS.entrySet()) {
            List<Long> l = latencies.getOrDefault(mode.getKey(), List.of());
            series.put(mode.getValue(), l.stream().mapToLong(Long::longValue).toArray());
        }
        Path file = ctx.outDir.resolve("wwr-latency-cdf.svg");
        CdfSvg.write(file, "wwr-client: latency per request by mode (CDF)",
                Instant.now().truncatedTo(ChronoUnit.SECONDS) + " · JDK " + Runtime.version() + " · "
                        + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.arch")
                        + " · " + Header.cpuModel() + " · every timed request, "
                        + ctx.plan.latency().roundsDescription(),
                series);
        ctx.md.println("Latency CDF of wwr-client per mode: " + file);
        ctx.md.println();
    }
}
