package dev.tinygram.agent;

import dev.tinygram.core.Profile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

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
 */
public record AgentOptions(Mode mode, Path report, String logLevel, Profile profile, int mss, int stackDepth) {

    static final String PROPERTY_PREFIX = "tinygram.";
    static final Set<String> LOG_LEVELS = Set.of("off", "error", "warn", "info", "debug", "trace");
    static final String KEYS = "mode, report, log, profile, mss, stackDepth";

    public static AgentOptions defaults() {
        return new AgentOptions(Mode.OBSERVE, null, "info", Profile.named("auto"), 0, 32);
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
        AgentOptions o = defaults();
        for (Map.Entry<String, String> e : values.entrySet()) o = o.with(e.getKey(), e.getValue());
        return o;
    }

    private AgentOptions with(String key, String value) throws OptionException {
        switch (key) {
            case "mode": return new AgentOptions(mode(value), report, logLevel, profile, mss, stackDepth);
            case "report":
                if (value.isEmpty()) throw bad(key, value, "a file path");
                return new AgentOptions(mode, Path.of(value), logLevel, profile, mss, stackDepth);
            case "log":
                String level = value.toLowerCase(Locale.ROOT);
                if (!LOG_LEVELS.contains(level)) throw bad(key, value, "off, error, warn, info, debug or trace");
                return new AgentOptions(mode, report, level, profile, mss, stackDepth);
            case "profile":
                try {
                    return new AgentOptions(mode, report, logLevel, Profile.named(value), mss, stackDepth);
                } catch (IllegalArgumentException e) {
                    throw bad(key, value, "auto, linux, rfc896 or windows");
                }
            case "mss":
                return new AgentOptions(mode, report, logLevel, profile, number(key, value, 88, 65535), stackDepth);
            case "stackDepth":
                return new AgentOptions(mode, report, logLevel, profile, mss, number(key, value, 1, 1024));
            default:
                throw new OptionException("unknown option '" + key + "' (known: " + KEYS + ")");
        }
    }

    private static Mode mode(String value) throws OptionException {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "observe": return Mode.OBSERVE;
            case "off": return Mode.OFF;
            default: throw bad("mode", value, "observe or off");
        }
    }

    private static int number(String key, String value, int min, int max) throws OptionException {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(key, value, "a whole number from " + min + " to " + max);
    }

    private static OptionException bad(String key, String value, String expected) {
        return new OptionException("bad value '" + value + "' for option '" + key + "': expected " + expected);
    }

    /** The options as the start-up line shows them. */
    public String describe() {
        return "mode=" + mode.label() + ", profile=" + profile.name() + ", mss=" + (mss == 0 ? "auto" : mss)
                + ", report=" + (report == null ? "none" : report) + ", log=" + logLevel;
    }
}
