package dev.tinygram.report;

import dev.tinygram.core.StallPrediction;
import dev.tinygram.conn.Endpoint;
import dev.tinygram.conn.FixAction;
import dev.tinygram.observe.Finding;
import java.util.Arrays;
import java.util.Locale;

/** The one readable log line for a finding. */
final class FindingText {
    private FindingText() {}

    static String describe(Finding f) {
        StallPrediction p = f.outcome().prediction();
        String where = String.format(Locale.ROOT, "write-write-read at %s on %s %s -> %s: writes %s B, %d B held by "
                + "Nagle behind the peer's delayed ACK; ", f.callSite(), f.endpoint().api().label(),
                Endpoint.text(f.endpoint().local()), Endpoint.text(f.endpoint().remote()), Arrays.toString(f.writes()),
                p.heldBytes());
        if (f.action().fixed()) {
            return where + String.format(Locale.ROOT, "a %.1f ms stall avoided: tinygram %s (measured wait %.1f ms)."
                    + " To fix it in the code: %s", p.stallMs(), f.action() == FixAction.COALESCED
                    ? "sent the writes as one" : "set TCP_NODELAY", f.outcome().waitMs(), FIX_HINT);
        }
        return "write-write-read stall" + where.substring("write-write-read".length()) + String.format(Locale.ROOT,
                "predicted stall %.1f ms (read wait up to %.0f ms), measured wait %.1f ms%s. Fix: %s", p.stallMs(),
                p.upperBoundMs(), f.outcome().waitMs(),
                f.outcome().confirmed() ? " (confirmed)" : " (not confirmed: the read waited less)", FIX_HINT);
    }

    static final String FIX_HINT = "write the message with one write (or a buffered stream flushed once), or "
            + "call setTcpNoDelay(true) on this connection; without a code change, run tinygram with mode=coalesce";
}
