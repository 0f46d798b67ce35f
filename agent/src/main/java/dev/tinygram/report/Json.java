package dev.tinygram.report;

import java.util.Locale;

/**
 * A minimal JSON object writer: enough for flat report lines and the predict command's output, without a
 * library in the agent. Values are strings, numbers, booleans, null, or pre-rendered JSON.
 */
public final class Json {
    private final StringBuilder out = new StringBuilder("{");
    private boolean first = true;

    public Json put(String key, String value) {
        key(key);
        if (value == null) out.append("null"); else quote(value);
        return this;
    }

    public Json put(String key, long value) {
        key(key);
        out.append(value);
        return this;
    }

    /** A decimal rounded to three places; NaN becomes null. */
    public Json put(String key, double value) {
        key(key);
        if (Double.isNaN(value) || Double.isInfinite(value)) out.append("null");
        else out.append(String.format(Locale.ROOT, "%.3f", value));
        return this;
    }

    public Json put(String key, boolean value) {
        key(key);
        out.append(value);
        return this;
    }

    /** Puts already-rendered JSON (an array or object) as the value. */
    public Json putRaw(String key, String json) {
        key(key);
        out.append(json);
        return this;
    }

    @Override
    public String toString() {
        return out + "}";
    }

    /** Renders a JSON array of numbers. */
    public static String array(long[] values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) b.append(i == 0 ? "" : ",").append(values[i]);
        return b.append(']').toString();
    }

    /** Renders a JSON array of strings. */
    public static String array(Iterable<String> values) {
        StringBuilder b = new StringBuilder("[");
        for (String v : values) {
            if (b.length() > 1) b.append(',');
            appendQuoted(b, v);
        }
        return b.append(']').toString();
    }

    /** Renders a JSON array of already-rendered values. */
    public static String rawArray(Iterable<String> values) {
        StringBuilder b = new StringBuilder("[");
        for (String v : values) {
            if (b.length() > 1) b.append(',');
            b.append(v);
        }
        return b.append(']').toString();
    }

    private void key(String key) {
        if (!first) out.append(',');
        first = false;
        quote(key);
        out.append(':');
    }

    private void quote(String s) {
        appendQuoted(out, s);
    }

    static void appendQuoted(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c)); else b.append(c);
            }
        }
        b.append('"');
    }
}
