package dev.tinygram.core;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A platform's TCP behaviour as far as Nagle and delayed ACK go: the sender's rule and the receiving peer's ACK
 * policy. The peer is assumed to run the same platform as the local side unless told otherwise.
 *
 * @param name               the name used on the command line and in reports
 * @param senderRule         how partial segments are held
 * @param ackRule            when the peer ACKs at once
 * @param delayedAckNanos    the delayed-ACK timer a stall is predicted with (Linux {@code TCP_ATO_MIN})
 * @param maxDelayedAckNanos how far the timer may grow (Linux {@code TCP_DELACK_MAX}): the upper bound of a stall
 * @param quickAcksAtStart   ACKs the peer sends at once at the start of a connection (Linux quick-ack mode)
 * @param initialRcvMss      the peer's first guess of our segment size; {@code 0} means "the MSS"
 */
public record Profile(String name, SenderRule senderRule, AckRule ackRule, long delayedAckNanos,
                      long maxDelayedAckNanos, int quickAcksAtStart, int initialRcvMss) {

    /** Linux: Minshall sender; ACK at once past one rcv_mss; 40 ms timer growing toward 200 ms; 16 quick ACKs. */
    public static final Profile LINUX = new Profile("linux", SenderRule.MINSHALL,
            AckRule.MORE_THAN_ONE_RCV_MSS_UNACKED, ms(40), ms(200), 16, 536);

    /** The textbook: RFC 896 sender, RFC 1122 receiver with a BSD-style 200 ms timer. */
    public static final Profile RFC896 = new Profile("rfc896", SenderRule.RFC896,
            AckRule.EVERY_SECOND_FULL_SEGMENT, ms(200), ms(200), 0, 0);

    /** Windows: documented 200 ms delayed ACK, ACK every second segment; sender treated as RFC 896. */
    public static final Profile WINDOWS = new Profile("windows", SenderRule.RFC896,
            AckRule.EVERY_SECOND_SEGMENT, ms(200), ms(200), 0, 0);

    public Profile {
        if (delayedAckNanos <= 0 || maxDelayedAckNanos < delayedAckNanos) {
            throw new IllegalArgumentException("delayed-ACK timer must be > 0 and <= its maximum");
        }
    }

    /** The profile named {@code name} ({@code linux}, {@code rfc896}, {@code windows}, or {@code auto}). */
    public static Profile named(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "linux": return LINUX;
            case "rfc896": return RFC896;
            case "windows": return WINDOWS;
            case "auto": return forOs(System.getProperty("os.name", ""));
            default: throw new IllegalArgumentException(
                    "unknown profile '" + name + "' (expected auto, linux, rfc896 or windows)");
        }
    }

    /** The profile of an operating system, by its {@code os.name}; anything not Linux or Windows is classic. */
    public static Profile forOs(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.contains("linux")) return LINUX;
        if (os.contains("windows")) return WINDOWS;
        return RFC896;
    }

    /**
     * Whether the peer has Linux's pingpong mode: it leaves it when a delayed ACK fires with nothing to ride on, ACKs
     * small pushed segments as they are read while out of it, and re-enters it when it answers quickly. The other
     * profiles delay every ACK their rule does not send at once.
     */
    public boolean hasPingpongMode() {
        return ackRule == AckRule.MORE_THAN_ONE_RCV_MSS_UNACKED;
    }

    /** The peer's initial rcv_mss for a connection with this MSS. */
    int initialRcvMss(int mss) {
        return initialRcvMss == 0 ? mss : Math.min(initialRcvMss, mss);
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
