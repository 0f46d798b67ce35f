package dev.tinygram.core;

import java.util.Arrays;

/**
 * The path's round trip, as far as the JVM can see it. The JVM never sees an ACK; what it sees are upper bounds:
 * the time a {@code connect()} took (SYN to SYN-ACK, plus start-up costs on a cold JVM), and the time from a write
 * to the peer's answer (the RTT plus the peer's think time). The estimate is the fastest of the recent bounds.
 *
 * <p>The rules, each pinned by a test of the same name in {@code RttEstimateTest}:
 * <ul>
 *   <li><b>loopbackIsKnown</b>: on loopback the RTT is tens of microseconds and nothing the JVM sees is faster;
 *       answers there measure the peer's think time, so the estimate stays fixed.</li>
 *   <li><b>theConnectTimeIsTheFirstBound</b>: a connect's time is a bound like any answer, and the first one.</li>
 *   <li><b>anEarlierConnectionsPathIsTheFirstBound</b>: what an earlier connection to the same address learnt is
 *       a bound like any answer, and the first one (the caller keeps it only while fresh); it ages out as a connect
 *       time does, so a path that got slower is learnt again. It is never passed on
 *       ({@code whatItCanTellALaterConnectionIsItsFastestBound}).</li>
 *   <li><b>aGuessGivesWayToTheFirstAnswer</b>: with no connect time (an accepted connection, or one first seen
 *       mid-life) the estimate starts from a guess, and the first answer replaces it, up as well as down: a guess
 *       that was too low must not stick.</li>
 *   <li><b>everyAnswerIsABound</b>: an answer {@code A} after our last write bounds the RTT by {@code A}, held or
 *       not: the last byte had to reach the peer and the answer come back. After a hold the bound is loose (a
 *       delayed-ACK stall's answer is the timer plus two round trips), so it is taken only when it lowers the
 *       estimate (or replaces a guess): a connection that stalls on every request would otherwise push its good
 *       bounds out of the window.</li>
 *   <li><b>theFastestRecentBoundWins</b>: the estimate is the minimum of the last {@value #WINDOW} bounds.</li>
 *   <li><b>anOldFastBoundAgesOut</b>: a bound older than the last {@value #WINDOW} leaves the window, so the
 *       estimate rises when the path got slower (or a first bound was lucky).</li>
 *   <li><b>aHeldAnswerCountsTheRoundTripItWaited</b>: when Nagle held a request's tail behind a partial segment
 *       sent {@code d} before the last write, and the peer ACKed that segment without delay, the tail left a round
 *       trip after the segment did and the answer came a round trip after that: an answer {@code A} after the last
 *       write bounds the RTT by {@code (A + d) / 2}; an answer faster than {@code d} means the tail was not held
 *       after all, and bounds it by {@code A}. Where the ACK may have been delayed the caller gives no such
 *       answer: the timer, not the path, may have made it; nor where {@code d} is a large share of {@code A},
 *       since then an error in the caller's {@code d} is a large error in the bound.</li>
 * </ul>
 *
 * <p>Pure and not thread-safe, like the rest of the core: the connection's lock guards it.
 */
public final class RttEstimate {
    /** How many recent bounds the minimum is taken over. */
    public static final int WINDOW = 8;

    /** Where the first estimate came from. */
    public enum Source {
        /** A loopback connection: the estimate is fixed. */
        LOOPBACK,
        /** The time the connection's {@code connect()} took: the first bound. */
        CONNECT,
        /** A guess, replaced by the first bound. */
        GUESS,
        /**
         * The kernel's own measure at first sight ({@code tcpi_min_rtt}, from the handshake): the first bound, as
         * a connect's time is, but without the JVM's costs in it.
         */
        KERNEL,
        /**
         * An earlier connection's estimate of the path to the address this one connected to, while fresh: the first
         * bound, as a connect's time is. It is not this connection's own measure, so {@link #boundNanos} leaves it
         * out: what a connection passes on is only what it measured.
         */
        PATH
    }

    private final Source source;
    private final long[] bounds = new long[WINDOW];
    private int count;
    private int next;
    private long estimate;
    /** A {@link Source#PATH} first bound still in the window, in slot 0: an earlier connection's, not ours. */
    private boolean inheritedInWindow;

    public RttEstimate(Source source, long firstNanos) {
        if (firstNanos < 1) throw new IllegalArgumentException("rtt must be positive, was " + firstNanos);
        this.source = source;
        this.estimate = firstNanos;
        if (source != Source.LOOPBACK && source != Source.GUESS) add(firstNanos);
        inheritedInWindow = source == Source.PATH;
    }

    public long nanos() {
        return estimate;
    }

    /**
     * What this estimate can tell a later connection to the same peer: the fastest of the recent bounds it measured
     * itself, or -1 when it has none (a guess no answer replaced yet, loopback's fixed figure, or only an inherited
     * {@link Source#PATH} bound). Passing an inherited bound on would keep it alive past its age for as long as
     * connections follow one another.
     */
    public long boundNanos() {
        if (source == Source.LOOPBACK) return -1;
        long min = -1;
        for (int i = inheritedInWindow ? 1 : 0; i < count; i++) min = min < 0 ? bounds[i] : Math.min(min, bounds[i]);
        return min;
    }

    public Source source() {
        return source;
    }

    /**
     * The peer answered {@code nanos} after our last write: the last byte went out, reached it, and the answer came
     * back, whatever Nagle held on the way. Always a bound; a loose one when something was held.
     */
    public void answered(long nanos) {
        bound(nanos);
    }

    /**
     * The peer answered {@code nanos} after our last write, though Nagle held something of the request: a loose
     * bound, taken only if it is below the estimate.
     */
    public void answeredAfterHold(long nanos) {
        if (nanos < estimate || (source == Source.GUESS && count == 0)) bound(nanos);
    }

    /**
     * The peer answered, {@code nanos} after the last write, a request whose tail Nagle held behind a partial
     * segment sent {@code heldBehindNanos} before that write, and ACKed without delay.
     */
    public void answeredHeld(long nanos, long heldBehindNanos) {
        long d = Math.max(0, heldBehindNanos);
        bound(nanos >= d ? (nanos + d) / 2 : nanos);
    }

    /**
     * The kernel's own measure of the path ({@code tcpi_min_rtt}, read after a confirmed stall): a bound like an
     * answer, without the peer's think time in it.
     */
    public void measuredByKernel(long nanos) {
        bound(nanos);
    }

    private void bound(long nanos) {
        if (source == Source.LOOPBACK) return;
        add(Math.max(1, nanos));
    }

    private void add(long nanos) {
        if (next == 0 && count == WINDOW) inheritedInWindow = false;   // slot 0 ages out now
        bounds[next] = nanos;
        next = (next + 1) % WINDOW;
        if (count < WINDOW) count++;
        long min = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) min = Math.min(min, bounds[i]);
        estimate = min;
    }

    @Override
    public String toString() {
        return "rtt " + estimate / 1e6 + " ms (" + source.name().toLowerCase(java.util.Locale.ROOT) + ", "
                + count + " bounds: " + Arrays.toString(Arrays.copyOf(bounds, count)) + ")";
    }
}
