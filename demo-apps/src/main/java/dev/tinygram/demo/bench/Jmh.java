package dev.tinygram.demo.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Runs the JMH jar with {@code -rf json} and prints its results from the JSON file, as ns/op where it can. */
final class Jmh {
    /** JMH runs one at a time per machine (its /tmp/jmh.lock): wait up to LOCK_WAITS x LOCK_WAIT_S for another. */
    private static final int LOCK_WAITS = 12;
    private static final int LOCK_WAIT_S = 15;

    private Jmh() {
    }

    private static boolean lockHeld(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8).contains("Unable to acquire the JMH lock");
    }

    /** Returns false when the JMH run failed. */
    static boolean section(PrintStream md, PrintStream err, String java, Path jar, List<String> args, Path outDir,
                           int timeoutSeconds) throws IOException, InterruptedException {
        Path json = outDir.resolve("jmh.json");
        Path log = outDir.resolve("jmh.log");
        Files.deleteIfExists(json);
        List<String> cmd = new ArrayList<>(List.of(java, "-jar", jar.toString(), "-rf", "json", "-rff", json.toString()));
        cmd.addAll(args);
        err.println("bench: JMH: " + String.join(" ", cmd) + " (log: " + log + ")");
        long t0 = System.nanoTime();
        Process p;
        boolean done;
        int lockWaits = 0;
        while (true) {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!done || p.exitValue() == 0 || !lockHeld(log) || ++lockWaits > LOCK_WAITS) break;
            err.println("bench: JMH: another JMH run holds /tmp/jmh.lock; retrying in " + LOCK_WAIT_S + " s");
            Thread.sleep(LOCK_WAIT_S * 1000L);
        }
        if (!done) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        md.printf(Locale.ROOT, "Command: `java -jar %s -rf json -rff %s%s` (%.0f s%s; log in %s).%n%n", jar,
                json, args.isEmpty() ? "" : " " + String.join(" ", args), seconds, lockWaits == 0 ? ""
                        : ", including " + Math.min(lockWaits, LOCK_WAITS) + " x " + LOCK_WAIT_S
                        + " s waiting for another JMH run to release /tmp/jmh.lock", log);
        if (!done || p.exitValue() != 0 || !Files.isRegularFile(json)) {
            String lock = done && lockHeld(log) ? " (another JMH run held /tmp/jmh.lock for "
                    + LOCK_WAITS * LOCK_WAIT_S + " s)" : "";
            md.println("JMH did not finish: " + (!done ? "timed out after " + timeoutSeconds + " s"
                    : "exit " + p.exitValue()) + lock + "; no results. See " + log + ".");
            return false;
        }
        List<Object> results = asList(new Json(Files.readString(json, StandardCharsets.UTF_8)).value());
        if (results.isEmpty()) {
            md.println("JMH ran no benchmarks (empty result file).");
            return false;
        }
        Set<String> configs = new LinkedHashSet<>();
        Map<String, Double> nsByName = new LinkedHashMap<>();
        List<String[]> rows = new ArrayList<>();
        for (Object o : results) {
            Map<String, Object> r = asMap(o);
            Map<String, Object> pm = asMap(r.get("primaryMetric"));
            String name = shortName(String.valueOf(r.get("benchmark"))) + params(r.get("params"));
            double score = num(pm.get("score"));
            double error = num(pm.get("scoreError"));
            String unit = String.valueOf(pm.get("scoreUnit"));
            double toNs = nanosPer(unit);
            double ns = Double.isNaN(toNs) ? Double.NaN : score * toNs;
            nsByName.put(name, ns);
            configs.add(String.format(Locale.ROOT, "JMH %s, mode %s, %s fork(s), warm-up %s x %s, measurement %s x %s, "
                    + "%s thread(s), JDK %s", r.get("jmhVersion"), r.get("mode"), fmt(r.get("forks")),
                    fmt(r.get("warmupIterations")), r.get("warmupTime"), fmt(r.get("measurementIterations")),
                    r.get("measurementTime"), fmt(r.get("threads")), r.get("jdkVersion")));
            rows.add(new String[] {name, String.valueOf(r.get("mode")), Format.num(score, 3) + " " + unit,
                    Double.isNaN(error) ? "n/a" : "± " + Format.num(error, 3),
                    Double.isNaN(ns) ? "n/a" : Format.num(ns, 1)});
        }
        for (String c : configs) md.println("Configuration (from the JSON): " + c + ".");
        md.println();
        String base = baseline(nsByName);
        md.println("| benchmark | mode | score | error (99.9 %) | ns/op | vs " + (base == null ? "baseline" : base) + " |");
        md.println("|---|---|---|---|---|---|");
        for (String[] row : rows) {
            double ns = nsByName.get(row[0]);
            String vs = base == null || Double.isNaN(ns) ? "-" : Format.ratio(ns / nsByName.get(base));
            md.println("| " + String.join(" | ", row) + " | " + vs + " |");
        }
        md.println();
        md.println("ns/op is converted from time-per-operation units only (n/a for throughput modes). "
                + (base == null ? "No baseline benchmark (a name with \"baseline\") was found, so there is no ratio."
                : "The ratio is to " + base + ", measured in the same JMH run."));
        return true;
    }

    /** BaselineBench.hooksOff (the hooks with no handler) if it ran, else the first benchmark named *baseline*. */
    private static String baseline(Map<String, Double> ns) {
        String fallback = null;
        for (Map.Entry<String, Double> e : ns.entrySet()) {
            if (Double.isNaN(e.getValue())) continue;
            if (e.getKey().startsWith("BaselineBench.hooksOff")) return e.getKey();
            if (fallback == null && e.getKey().toLowerCase(Locale.ROOT).contains("baseline")) fallback = e.getKey();
        }
        return fallback;
    }

    /** {@code a.b.c.Class.method} becomes {@code Class.method}. */
    private static String shortName(String benchmark) {
        String[] parts = benchmark.split("\\.");
        return parts.length < 2 ? benchmark : parts[parts.length - 2] + "." + parts[parts.length - 1];
    }

    private static String params(Object params) {
        if (!(params instanceof Map<?, ?> m) || m.isEmpty()) return "";
        StringBuilder sb = new StringBuilder("(");
        m.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append(k).append('=').append(v));
        return sb.append(')').toString();
    }

    private static double nanosPer(String unit) {
        return switch (unit) {
            case "ns/op" -> 1;
            case "us/op" -> 1e3;
            case "ms/op" -> 1e6;
            case "s/op" -> 1e9;
            default -> Double.NaN;
        };
    }

    private static String fmt(Object o) {
        return o instanceof Double d && d == Math.rint(d) ? String.valueOf(d.longValue()) : String.valueOf(o);
    }

    private static double num(Object o) {
        if (o instanceof Double d) return d;
        try {
            return Double.parseDouble(String.valueOf(o));   // JMH writes NaN as the string "NaN"
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object o) {
        return o instanceof List ? (List<Object>) o : List.of();
    }

    /** Just enough JSON: objects, arrays, strings, numbers (as Double), true, false, null. */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            ws();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++;
                ws();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                do {
                    ws();
                    String k = string();
                    ws();
                    expect(':');
                    m.put(k, value());
                    ws();
                } while (s.charAt(i++) == ',');
                if (s.charAt(i - 1) != '}') throw new IllegalArgumentException("JSON: '}' expected at " + (i - 1));
                return m;
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++;
                ws();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                do {
                    l.add(value());
                    ws();
                } while (s.charAt(i++) == ',');
                if (s.charAt(i - 1) != ']') throw new IllegalArgumentException("JSON: ']' expected at " + (i - 1));
                return l;
            }
            if (c == '"') return string();
            for (String lit : new String[] {"true", "false", "null"}) {
                if (s.startsWith(lit, i)) {
                    i += lit.length();
                    return lit.equals("null") ? null : Boolean.valueOf(lit);
                }
            }
            int from = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            return Double.parseDouble(s.substring(from, i));
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            for (char c = s.charAt(i++); c != '"'; c = s.charAt(i++)) {
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'u' -> {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
            return sb.toString();
        }

        private void expect(char c) {
            if (s.charAt(i) != c) throw new IllegalArgumentException("JSON: '" + c + "' expected at " + i);
            i++;
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }
    }
}
