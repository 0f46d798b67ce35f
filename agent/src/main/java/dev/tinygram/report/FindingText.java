package dev.tinygram.report;

import dev.tinygram.conn.Endpoint;
import dev.tinygram.conn.FixAction;
import dev.tinygram.core.HoldKind;
import dev.tinygram.core.StallPrediction;
import dev.tinygram.observe.Finding;
import java.util.Arrays;
import java.util.Locale;

/** The one readable log line for a finding, by its kind. */
final class FindingText {
    private FindingText() {}

    static String describe(Finding f) {
        StallPrediction p = f.outcome().prediction();
        if (p.kind() == HoldKind.INBOUND_DELAYED_ACK) return inbound(f, p);
        if (!f.outcome().predicted()) return notPredicted(f);
        boolean nagleHold = p.kind() == HoldKind.NAGLE_HOLD;
        String what = nagleHold
                ? String.format(Locale.ROOT, "%d B held by Nagle for about one round trip (rtt %.1f ms, mss %d B),"
                        + " no delayed ACK involved", p.heldBytes(), f.rttNanos() / 1e6, f.mss())
                : p.heldBytes() + " B held by Nagle behind the peer's delayed ACK";
        String where = String.format(Locale.ROOT, "%s at %s on %s %s -> %s: writes %s B, %s; ", f.kind().label(),
                f.callSite(), f.endpoint().api().label(), Endpoint.text(f.endpoint().local()),
                Endpoint.text(f.endpoint().remote()), Arrays.toString(f.writes()), what);
        String hint = nagleHold ? NAGLE_HOLD_HINT : FIX_HINT;
        if (f.action().fixed()) {
            return where + String.format(Locale.ROOT, "a %.1f ms %s avoided: tinygram %s (measured wait %.1f ms)."
                    + " To fix it in the code: %s", p.stallMs(), nagleHold ? "hold" : "stall",
                    f.action() == FixAction.COALESCED ? "sent the writes as one" : "set TCP_NODELAY",
                    f.outcome().waitMs(), hint);
        }
        String title = nagleHold ? "nagle-hold" : "write-write-read stall";
        return title + where.substring(f.kind().label().length()) + String.format(Locale.ROOT,
                "predicted %s %.1f ms over writing once (read wait up to %.0f ms), measured wait %.1f ms%s. Fix: %s",
                nagleHold ? "hold" : "stall", p.stallMs(), p.upperBoundMs(), f.outcome().waitMs(),
                f.outcome().confirmed() ? " (confirmed)" : " (not confirmed: the read waited less)", hint);
    }

    /** A stall the wait showed where the model predicted none: said as such, so that model errors are visible. */
    private static String notPredicted(Finding f) {
        return String.format(Locale.ROOT, "write-write-read stall at %s on %s %s -> %s: writes %s B; not predicted,"
                + " measured: the read waited %.1f ms, the peer's delayed-ACK timer beyond the round trip, where"
                + " this connection's answers are otherwise quick (the kernel sent part of the burst as a small"
                + " segment on its own, and held the tail behind it). Fix: %s", f.callSite(),
                f.endpoint().api().label(), Endpoint.text(f.endpoint().local()), Endpoint.text(f.endpoint().remote()),
                Arrays.toString(f.writes()), f.outcome().waitMs(), FIX_HINT);
    }

    private static String inbound(Finding f, StallPrediction p) {
        return String.format(Locale.ROOT, "inbound write-write-read stall at %s on %s %s <- %s: the peer's request"
                + " arrived as %s B, its last %d B held by the peer's Nagle behind our delayed ACK; measured wait"
                + " %.1f ms (predicted %.1f ms)%s. Fix: %s", f.callSite(), f.endpoint().api().label(),
                Endpoint.text(f.endpoint().local()), Endpoint.text(f.endpoint().remote()), Arrays.toString(f.writes()),
                p.heldBytes(), f.outcome().waitMs(), p.stallMs(),
                f.action().fixed() ? " (tinygram: " + f.action().label() + ")" : "", hint(f));
    }

    /** The fix, in one sentence, by kind: what the report's {@code hint} says. */
    static String hint(Finding f) {
        switch (f.kind()) {
            case INBOUND_DELAYED_ACK: return INBOUND_HINT;
            case NAGLE_HOLD: return NAGLE_HOLD_HINT;
            default: return FIX_HINT;
        }
    }

    /** Our ACK is what the peer waits for: send it at once on this side, or stop splitting on the peer's. */
    static final String INBOUND_HINT = "run tinygram with quickack=flagged (or quickack=all) on this side, so its"
            + " ACK goes at once; or, on the peer's side, set TCP_NODELAY or write each request with one write";

    static final String FIX_HINT = "write the message with one write (or a buffered stream flushed once), or "
            + "call setTcpNoDelay(true) on this connection; without a code change, run tinygram with mode=coalesce";

    /** A Nagle hold costs a round trip, not a timer: one write per message is the whole fix. */
    static final String NAGLE_HOLD_HINT = "write the message with one write (or a buffered stream flushed once),"
            + " so its last partial segment need not wait for the ACK of the one before; or call"
            + " setTcpNoDelay(true) on this connection; without a code change, run tinygram with mode=coalesce";
}
