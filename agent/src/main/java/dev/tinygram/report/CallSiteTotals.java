package dev.tinygram.report;

/**
 * One row of the bounded per-call-site view that JMX (and through it Prometheus) reads: a call site's totals, or,
 * under {@link #OTHER}, the sum of every call site past the bound.
 *
 * @param callSite           the call site, or {@code other}
 * @param direction          {@link #OUTBOUND} (a held write of ours), {@link #INBOUND} (our read, waiting for the
 *                           peer's held rest), or {@link #ANY} for the {@code other} row
 * @param stallsPredicted    stalls the model predicted and tinygram reported
 * @param stallsNotPredicted delayed-ACK stalls only the measured wait showed
 * @param stallsConfirmed    predicted stalls the measured wait confirmed
 * @param stallsAvoided      stalls tinygram fixed (nodelay or coalesced)
 * @param waitMs             milliseconds the reported stalls waited beyond the path's round trip
 */
public record CallSiteTotals(String callSite, String direction, long stallsPredicted, long stallsNotPredicted, long stallsConfirmed,
                             long stallsAvoided, double waitMs) {
    /** The row that sums the call sites past the bound. A real call site always has a frame's parentheses. */
    public static final String OTHER = "other";
    /** The stall is our own write's, held by our Nagle: the fixes are nodelay or coalesce. */
    public static final String OUTBOUND = "outbound";
    /** The stall is the peer's, whose rest waits for our delayed ACK: the fix is quickack. */
    public static final String INBOUND = "inbound";
    /** The {@code other} row sums call sites of both directions. */
    public static final String ANY = "any";
    /** The {@code maxCallSites} default: a dashboard's worth of rows, a bounded number of series per JVM. */
    public static final int DEFAULT_MAX_CALL_SITES = 50;

    CallSiteTotals plus(CallSiteTotals o) {
        return new CallSiteTotals(callSite, ANY, stallsPredicted + o.stallsPredicted,
                stallsNotPredicted + o.stallsNotPredicted, stallsConfirmed + o.stallsConfirmed,
                stallsAvoided + o.stallsAvoided, waitMs + o.waitMs);
    }
}
