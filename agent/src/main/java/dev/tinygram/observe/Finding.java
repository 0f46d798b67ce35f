package dev.tinygram.observe;

import dev.tinygram.conn.Endpoint;
import dev.tinygram.conn.FixAction;
import dev.tinygram.conn.Role;
import dev.tinygram.core.HoldKind;
import dev.tinygram.core.ReadOutcome;
import dev.tinygram.kernel.TcpInfo;
import java.time.Instant;
import java.util.List;

/**
 * A write-write-read: the local side wrote a burst, Nagle held part of it, and then the local side waited to
 * read. The outcome says what the core predicted the held tail waits for ({@link HoldKind}: a delayed ACK, or an
 * ACK one round trip away), what that costs, and whether the wait confirmed it.
 *
 * @param time       when the read that stalled ended
 * @param endpoint   the connection
 * @param role       which end of it this JVM is
 * @param nodelay    TCP_NODELAY when the burst was written
 * @param writes     the sizes of the burst's writes, in order; for an inbound finding, the sizes of the peer's
 *                   pieces as the reads returned them
 * @param outcome    the core's prediction and the measured wait
 * @param stack      where the first held write of the burst was made
 * @param callSite   the first frame of it outside the JDK and the agent, as {@link CallSites#callSite} gives it
 * @param mss        the segment size the model used
 * @param rttNanos   the path's round trip the model used
 * @param action     what tinygram did on this connection
 * @param kernel     the kernel's {@code tcp_info} as the read began, or null where only the model speaks
 */
public record Finding(Instant time, Endpoint endpoint, Role role, boolean nodelay, long[] writes, ReadOutcome outcome,
                      List<StackTraceElement> stack, String callSite, int mss, long rttNanos, FixAction action,
                      TcpInfo kernel) {

    /** The model's word alone. */
    public Finding(Instant time, Endpoint endpoint, Role role, boolean nodelay, long[] writes, ReadOutcome outcome,
                   List<StackTraceElement> stack, String callSite, int mss, long rttNanos, FixAction action) {
        this(time, endpoint, role, nodelay, writes, outcome, stack, callSite, mss, rttNanos, action, null);
    }

    /** What the held tail waits for. */
    public HoldKind kind() {
        return outcome.prediction().kind();
    }

    /**
     * Whether this is worth a report: the read waits for held bytes, and that costs at least {@code minStallNanos}
     * over writing the burst once (the {@code minStall} option, for every kind).
     */
    public boolean worthReporting(long minStallNanos) {
        return outcome.prediction().held() && outcome.prediction().stallNanos() >= minStallNanos
                && !kernelContradicts();
    }

    /**
     * The model predicted held bytes, and as the read began the kernel held none, with Nagle on: there is no
     * stall to report. Counted (a model error made visible), never reported.
     */
    public boolean kernelContradicts() {
        return contradicts(kernel, nodelay, outcome.prediction().held());
    }

    /** The rule of {@link #kernelContradicts}, for a read that has not ended yet. */
    static boolean contradicts(TcpInfo kernel, boolean nodelay, boolean predictedHeld) {
        return kernel != null && kernel.holdsNothing() && !nodelay && predictedHeld;
    }

    /** The read's wait beyond the path's round trip: what the stall cost, since the path's share is paid anyway. */
    public long lostNanos() {
        return Math.max(0, outcome.waitNanos() - rttNanos);
    }
}
