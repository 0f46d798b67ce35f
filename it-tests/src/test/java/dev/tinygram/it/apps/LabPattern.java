package dev.tinygram.it.apps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the lab's applications write a message: {@code 100+100} (two writes, back to back), {@code 1x20@5} (twenty
 * 1 B writes 5 ms apart), with an optional prefix: {@code nodelay:} (the application sets TCP_NODELAY) or
 * {@code channel:} (a blocking SocketChannel instead of a Socket's streams).
 *
 * @param name    the pattern as written
 * @param writes  the sizes, in order
 * @param gapMs   the pause before every write but the first
 * @param nodelay TCP_NODELAY set by the application
 * @param channel written through a SocketChannel
 */
public record LabPattern(String name, int[] writes, int gapMs, boolean nodelay, boolean channel) {
    private static final Pattern REPEAT = Pattern.compile("([0-9]+)x([0-9]+)@([0-9]+)");

    public static LabPattern parse(String text) {
        String rest = text.trim();
        boolean nodelay = false;
        boolean channel = false;
        if (rest.startsWith("nodelay:")) {
            nodelay = true;
            rest = rest.substring("nodelay:".length());
        }
        if (rest.startsWith("channel:")) {
            channel = true;
            rest = rest.substring("channel:".length());
        }
        Matcher m = REPEAT.matcher(rest);
        if (m.matches()) {
            int[] writes = new int[Integer.parseInt(m.group(2))];
            Arrays.fill(writes, Integer.parseInt(m.group(1)));
            return new LabPattern(text.trim(), writes, Integer.parseInt(m.group(3)), nodelay, channel);
        }
        int[] writes = Arrays.stream(rest.split("\\+")).mapToInt(Integer::parseInt).toArray();
        for (int w : writes) {
            if (w <= 0) throw new IllegalArgumentException("a write of " + w + " B in pattern " + text);
        }
        return new LabPattern(text.trim(), writes, 0, nodelay, channel);
    }

    /** Patterns separated by ';'. */
    public static List<LabPattern> parseList(String text) {
        List<LabPattern> all = new ArrayList<>();
        for (String p : text.split(";")) {
            if (!p.isBlank()) all.add(parse(p));
        }
        return all;
    }

    public int totalBytes() {
        return Arrays.stream(writes).sum();
    }
}
