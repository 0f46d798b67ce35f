package dev.tinygram.fix;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A {@code host:port} glob: {@code *} matches any run of characters, for example {@code 127.0.0.1:*},
 * {@code *:6379} or {@code 10.1.*:5432}. Hosts are numeric addresses, as connections are matched without DNS.
 */
public final class HostPortPattern {
    private final String text;
    private final Pattern regex;

    private HostPortPattern(String text) {
        this.text = text;
        text = canonicalIpv6(text);
        this.regex = Pattern.compile(Arrays.stream(text.split("\\*", -1)).map(Pattern::quote)
                .collect(Collectors.joining(".*")));
    }

    /** Parses {@code a;b;c}; each must contain a colon. */
    public static List<HostPortPattern> parseList(String value) {
        List<HostPortPattern> patterns = new ArrayList<>();
        for (String p : value.split(";")) {
            String t = p.trim();
            if (t.isEmpty()) continue;
            if (!t.contains(":")) throw new IllegalArgumentException("'" + t + "' is not host:port");
            patterns.add(new HostPortPattern(t));
        }
        return patterns;
    }

    /**
     * Connections are matched in the JDK's numeric form, which writes IPv6 in full ({@code [0:0:0:0:0:0:0:1]}); a
     * pattern's IPv6 literal without wildcards, such as {@code [::1]:*}, is rewritten to that form.
     */
    private static String canonicalIpv6(String pattern) {
        int close = pattern.indexOf(']');
        if (!pattern.startsWith("[") || close < 0) return pattern;
        String host = pattern.substring(1, close);
        if (host.contains("*")) return pattern;
        try {
            return "[" + InetAddress.getByName("[" + host + "]").getHostAddress() + "]" + pattern.substring(close + 1);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + pattern + "' is not an IPv6 literal");
        }
    }

    public boolean matches(String hostPort) {
        return regex.matcher(hostPort).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
