package dev.tinygram.demo;

import java.util.List;

/**
 * The one line of the agent's log a new user should read for a stalling demo: a finding of the kind the tour
 * fixes, which names the call site and ends with the fix. Taken from the child JVM's stderr as the agent wrote
 * it, less the logger's "WARN tinygram - " prefix.
 */
final class FindingLine {
    /** How the agent's finding line starts for a stall this side's writes cause (its own Nagle). */
    static final String OUTBOUND = "write-write-read stall at ";
    /** ... and for one the peer's writes cause, held behind this side's delayed ACK. */
    static final String INBOUND = "inbound write-write-read stall at ";
    private static final String LOGGER = "tinygram - ";
    private static final String FIX = ". Fix: ";
    private static final String CONFIRMED = " (confirmed). ";

    private FindingLine() {}

    /**
     * The first finding in {@code stderr} whose message starts with {@code start} and names a fix, preferring one
     * the measured wait confirmed (a connection's first request can be predicted to stall and wait less, as TLS's
     * first records do); null if there is none.
     */
    static String pick(List<String> stderr, String start) {
        String first = null;
        for (String line : stderr) {
            int logger = line.indexOf(LOGGER);
            if (logger < 0) continue;
            String message = line.substring(logger + LOGGER.length());
            if (!message.startsWith(start) || !message.contains(FIX)) continue;
            if (message.contains(CONFIRMED)) return message;
            if (first == null) first = message;
        }
        return first;
    }
}
