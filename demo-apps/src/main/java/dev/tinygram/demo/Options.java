package dev.tinygram.demo;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Minimal command-line option parser: {@code --flag} and {@code --name VALUE}. */
final class Options {

    enum Kind { FLAG, INT, STRING }

    /** Bad command line; the message names the offending token. Exit status 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Options shared by the request/response demos. */
    static Map<String, Kind> requestResponse() {
        Map<String, Kind> m = new LinkedHashMap<>();
        m.put("--requests", Kind.INT);
        m.put("--warmup", Kind.INT);
        m.put("--quiet", Kind.FLAG);
        m.put("--segments", Kind.FLAG);
        m.put("--nagle-after-connect", Kind.FLAG);
        m.put("--duration", Kind.INT);
        m.put("--latencies", Kind.STRING);
        return m;
    }

    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    private Options() {
    }

    static Options parse(String[] args, int from, Map<String, Kind> spec) throws UsageException {
        Options o = new Options();
        for (int i = from; i < args.length; i++) {
            String tok = args[i];
            Kind kind = spec.get(tok);
            if (kind == null) {
                throw new UsageException("unknown option '" + tok + "'");
            }
            if (kind == Kind.FLAG) {
                o.flags.add(tok);
                continue;
            }
            if (i + 1 >= args.length) {
                throw new UsageException("option '" + tok + "' needs a value");
            }
            String v = args[++i];
            if (kind == Kind.INT) {
                try {
                    Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw new UsageException("bad value '" + v + "' for option '" + tok + "' (expected an integer)");
                }
            }
            o.values.put(tok, v);
        }
        return o;
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    boolean has(String name) {
        return values.containsKey(name) || flags.contains(name);
    }

    String string(String name, String def) {
        return values.getOrDefault(name, def);
    }

    int integer(String name, int def, int min) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return def;
        }
        int n = Integer.parseInt(v);
        if (n < min) {
            throw new UsageException("bad value '" + v + "' for option '" + name + "' (must be >= " + min + ")");
        }
        return n;
    }

    boolean quiet() {
        return flag("--quiet");
    }
}
