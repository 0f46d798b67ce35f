package dev.tinygram.agent;

import dev.tinygram.core.Profile;
import dev.tinygram.core.StallPrediction;
import dev.tinygram.fix.FixPolicy;
import dev.tinygram.fix.HostPortPattern;
import dev.tinygram.fix.QuickackScope;
import dev.tinygram.report.CallSiteTotals;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's options: {@code key=value} pairs after the jar ({@code -javaagent:tinygram-agent.jar=mode=observe}),
 * then {@code -Dtinygram.KEY=VALUE} system properties, which win. An unknown key or a bad value is an error that
 * names it.
 *
 * @param mode       what the agent does
 * @param report     the JSON-lines report path, or null for none
 * @param logLevel   the log level: off, error, warn, info, debug, trace
 * @param profile    the TCP profile the model assumes
 * @param mss        the MSS, or 0 for "from the interface's MTU"
 * @param stackDepth frames kept in a finding's stack
 * @param fix        what the fix modes act on
 * @param minStallNanos the least a hold must cost over writing once to be reported, for every kind
 * @param maxCallSites  call sites with a row of their own in the JMX view (so in Prometheus); the rest are summed
 *                      under {@code other}
 */
public record AgentOptions(Mode mode, Path report, String logLevel, Profile profile, int mss, int stackDepth,
                           FixPolicy fix, long minStallNanos, int maxCallSites) {

    static final String PROPERTY_PREFIX = "tinygram.";
    static final Set<String> LOG_LEVELS = Set.of("off", "error", "warn", "info", "debug", "trace");
    static final List<String> KEYS = List.of("mode", "report", "log", "profile", "mss", "stackDepth", "scope",
            "include", "exclude", "maxDelay", "coalesceBytes", "minStall", "quickack", "maxCallSites");
    /** Default coalescing delay bound; the README gives the measurement behind it. */
    static final long DEFAULT_MAX_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** How the MSS is chosen when not set: what the start-up line says. */
    static final String AUTO_MSS = "auto (per connection: the kernel's working MSS off loopback on JDK 22+, else"
            + " its interface's MTU less IP, TCP and timestamp headers, 1448 at MTU 1500)";
    /** Default {@code minStall}: far above a loopback round trip, below any real path's. */
    static final long DEFAULT_MIN_STALL_NANOS = StallPrediction.DEFAULT_MIN_STALL_NANOS;
    static final int DEFAULT_MAX_CALL_SITES = CallSiteTotals.DEFAULT_MAX_CALL_SITES;
    /** More rows than a dashboard can show; each is a handful of series per JVM in a monitoring system. */
    static final int MAX_CALL_SITES_LIMIT = 10_000;
    private static final Pattern DURATION = Pattern.compile("([0-9]+)(us|ms)");

    public static AgentOptions defaults() throws OptionException {
        return parse(null, new Properties());
    }

    /** Parses agent arguments, then the {@code tinygram.*} system properties on top. */
    public static AgentOptions parse(String agentArgs, Properties systemProperties) throws OptionException {
        Map<String, String> values = new LinkedHashMap<>();
        if (agentArgs != null && !agentArgs.isBlank()) {
            for (String pair : agentArgs.split(",")) {
                if (pair.isBlank()) continue;
                int eq = pair.indexOf('=');
                if (eq <= 0) throw new OptionException("option '" + pair.trim() + "' is not key=value");
                values.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        for (String name : systemProperties.stringPropertyNames()) {
            if (name.startsWith(PROPERTY_PREFIX)) {
                values.put(name.substring(PROPERTY_PREFIX.length()), systemProperties.getProperty(name).trim());
            }
        }
        for (String key : values.keySet()) {
            if (!KEYS.contains(key)) {
                throw new OptionException("unknown option '" + key + "' (known: " + String.join(", ", KEYS) + ")");
            }
        }
        return new Reader(values).options();
    }

    /** Reads each option from the merged values, with its default. */
    private static final class Reader {
        private final Map<String, String> values;

        Reader(Map<String, String> values) {
            this.values = new HashMap<>(values);
        }

        AgentOptions options() throws OptionException {
            Mode mode = mode();
            boolean flaggedOnly = choice("scope", "all", "all", "flagged").equals("flagged");
            if (flaggedOnly && mode != Mode.NODELAY) {
                throw new OptionException("option 'scope=flagged' goes with mode=nodelay only");
            }
            FixPolicy fix = new FixPolicy(mode == Mode.NODELAY || mode == Mode.COALESCE, mode == Mode.COALESCE,
                    flaggedOnly, patterns("include"), patterns("exclude"),
                    duration("maxDelay", DEFAULT_MAX_DELAY_NANOS, TimeUnit.MICROSECONDS.toNanos(50)),
                    number("coalesceBytes", 0, 64, 1 << 20),
                    QuickackScope.valueOf(choice("quickack", "off", "off", "flagged", "all")
                            .toUpperCase(Locale.ROOT)));
            return new AgentOptions(mode, values.containsKey("report") ? Path.of(nonEmpty("report")) : null,
                    choice("log", "info", LOG_LEVELS.toArray(new String[0])), profile(),
                    number("mss", 0, 88, 65535), number("stackDepth", 32, 1, 1024), fix,
                    duration("minStall", DEFAULT_MIN_STALL_NANOS, 0),
                    number("maxCallSites", DEFAULT_MAX_CALL_SITES, 1, MAX_CALL_SITES_LIMIT));
        }

        private Mode mode() throws OptionException {
            String v = choice("mode", "observe", "observe", "nodelay", "coalesce", "off");
            return Mode.valueOf(v.toUpperCase(Locale.ROOT));
        }

        private Profile profile() throws OptionException {
            String v = values.getOrDefault("profile", "auto");
            try {
                return Profile.named(v);
            } catch (IllegalArgumentException e) {
                throw bad("profile", v, "auto, linux, rfc896 or windows");
            }
        }

        private String choice(String key, String fallback, String... allowed) throws OptionException {
            String v = values.getOrDefault(key, fallback).toLowerCase(Locale.ROOT);
            for (String a : allowed) {
                if (a.equals(v)) return v;
            }
            throw bad(key, values.get(key), String.join(", ", allowed));
        }

        private String nonEmpty(String key) throws OptionException {
            String v = values.get(key);
            if (v.isEmpty()) throw bad(key, v, "a file path");
            return v;
        }

        private int number(String key, int fallback, int min, int max) throws OptionException {
            if (!values.containsKey(key)) return fallback;
            String v = values.get(key);
            try {
                int n = Integer.parseInt(v);
                if (n >= min && n <= max) return n;
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw bad(key, v, "a whole number from " + min + " to " + max);
        }

        /** A duration from {@code minNanos} to one second, written as microseconds or milliseconds. */
        private long duration(String key, long fallback, long minNanos) throws OptionException {
            if (!values.containsKey(key)) return fallback;
            String v = values.get(key);
            Matcher m = DURATION.matcher(v);
            if (m.matches() && m.group(1).length() <= 7) {
                long n = Long.parseLong(m.group(1));
                long nanos = m.group(2).equals("us") ? TimeUnit.MICROSECONDS.toNanos(n) : TimeUnit.MILLISECONDS.toNanos(n);
                if (nanos >= minNanos && nanos <= TimeUnit.SECONDS.toNanos(1)) return nanos;
            }
            throw bad(key, v, "a duration from " + TimeUnit.NANOSECONDS.toMicros(minNanos)
                    + "us to 1000ms, such as 500us or 2ms");
        }

        private List<HostPortPattern> patterns(String key) throws OptionException {
            if (!values.containsKey(key)) return List.of();
            try {
                return HostPortPattern.parseList(values.get(key));
            } catch (IllegalArgumentException e) {
                throw bad(key, values.get(key), "host:port patterns separated by ';', such as 127.0.0.1:*;*:6379");
            }
        }
    }

    private static OptionException bad(String key, String value, String expected) {
        return new OptionException("bad value '" + value + "' for option '" + key + "': expected " + expected);
    }

    /** These options with another mode, as JMX sets it. */
    public AgentOptions withMode(Mode newMode) throws OptionException {
        if (fix.flaggedOnly() && newMode != Mode.NODELAY) {
            throw new OptionException("option 'scope=flagged' goes with mode=nodelay only");
        }
        FixPolicy newFix = new FixPolicy(newMode == Mode.NODELAY || newMode == Mode.COALESCE,
                newMode == Mode.COALESCE, fix.flaggedOnly(), fix.include(), fix.exclude(), fix.maxDelayNanos(),
                fix.coalesceBytes(), fix.quickack());
        return new AgentOptions(newMode, report, logLevel, profile, mss, stackDepth, newFix, minStallNanos,
                maxCallSites);
    }

    /** The options as the start-up line shows them. */
    public String describe() {
        String fixes = !fix.fixes() ? "" : (fix.flaggedOnly() ? ", scope=flagged" : "")
                + (fix.include().isEmpty() ? "" : ", include=" + fix.include())
                + (fix.exclude().isEmpty() ? "" : ", exclude=" + fix.exclude())
                + (fix.coalesce() ? ", maxDelay=" + TimeUnit.NANOSECONDS.toMicros(fix.maxDelayNanos()) + "us" : "")
                + (fix.quickack() != QuickackScope.OFF ? ", quickack=" + fix.quickack().label() : "");
        return "mode=" + mode.label() + fixes + ", profile=" + profile.name() + ", mss=" + (mss == 0 ? AUTO_MSS : mss)
                + ", minStall=" + TimeUnit.NANOSECONDS.toMicros(minStallNanos) + "us"
                + (maxCallSites == DEFAULT_MAX_CALL_SITES ? "" : ", maxCallSites=" + maxCallSites)
                + ", report=" + (report == null ? "none" : report) + ", log=" + logLevel;
    }
}
