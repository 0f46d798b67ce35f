package dev.tinygram.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** Builds the single machine-readable {@code RESULT k=v ...} line each demo prints last. */
final class Result {
    private final Map<String, String> values = new LinkedHashMap<>();

    Result(String demo) {
        put("demo", demo);
    }

    Result put(String key, Object value) {
        // Values never contain whitespace, so the line splits cleanly on spaces.
        values.put(key, String.valueOf(value).replaceAll("\\s+", "_"));
        return this;
    }

    /** Standard keys for a request/response latency run. */
    static Result latency(String demo, Stats.Summary s) {
        return new Result(demo).putLatency(s);
    }

    Result putLatency(Stats.Summary s) {
        return put("requests", s.count())
                .put("p50_ms", Stats.ms(s.p50()))
                .put("p99_ms", Stats.ms(s.p99()))
                .put("max_ms", Stats.ms(s.max()))
                .put("rps", Stats.oneDecimal(s.rps()));
    }

    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(" ", "RESULT ", "");
        values.forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }

    /** Parses a RESULT line back into key/value pairs (used by the tour). */
    static Map<String, String> parse(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        if (line == null || !line.startsWith("RESULT ")) {
            return m;
        }
        for (String tok : line.substring("RESULT ".length()).trim().split("\\s+")) {
            int eq = tok.indexOf('=');
            if (eq > 0) {
                m.put(tok.substring(0, eq), tok.substring(eq + 1));
            }
        }
        return m;
    }
}
