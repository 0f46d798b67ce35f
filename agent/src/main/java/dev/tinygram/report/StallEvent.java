package dev.tinygram.report;

import dev.tinygram.core.StallPrediction;
import dev.tinygram.conn.Endpoint;
import dev.tinygram.observe.Finding;
import java.util.Arrays;
import java.util.stream.Collectors;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A predicted write-write-read stall or Nagle hold ({@code kind}), as a JFR event: the report's fields, plus the stack of the thread that ended
 * the read (JFR's own), while the stack of the held write is in {@code stack}. Committed only while a recording
 * has it enabled, so it costs nothing otherwise.
 */
@Name("dev.tinygram.WriteWriteRead")
@Label("Write-write-read stall")
@Category({"tinygram", "Network"})
@Description("A write held by Nagle behind an unacknowledged segment (kind write-write-read: one the peer delays"
        + " its ACK for; nagle-hold: for about one round trip), followed by a read that waits")
@StackTrace(true)
final class StallEvent extends Event {
    @Label("Kind") String kind;
    @Label("Local") String local;
    @Label("Remote") String remote;
    @Label("API") String api;
    @Label("Role") String role;
    @Label("TCP_NODELAY") boolean nodelay;
    @Label("Writes") String writes;
    @Label("Held Bytes") long heldBytes;
    @Label("MSS") int mss;
    @Label("RTT (ms)") double rttMs;
    @Label("Predicted") boolean predicted;
    @Label("Predicted Stall (ms)") double predictedStallMs;
    @Label("Observed Wait (ms)") double observedWaitMs;
    @Label("Confirmed") boolean confirmed;
    @Label("Call Site") String callSite;
    @Label("Held Write Stack") String stack;
    @Label("Evidence") String evidence;
    @Label("Kernel") String kernel;
    @Label("Mode") String mode;
    @Label("Action") String action;

    static void emit(Finding f, String mode) {
        StallEvent e = new StallEvent();
        if (!e.isEnabled()) return;
        StallPrediction p = f.outcome().prediction();
        e.kind = f.kind().label();
        e.local = Endpoint.text(f.endpoint().local());
        e.remote = Endpoint.text(f.endpoint().remote());
        e.api = f.endpoint().api().label();
        e.role = f.role().label();
        e.nodelay = f.nodelay();
        e.writes = Arrays.toString(f.writes());
        e.heldBytes = p.heldBytes();
        e.mss = f.mss();
        e.rttMs = f.rttNanos() / 1e6;
        e.predicted = f.outcome().predicted();
        e.predictedStallMs = f.outcome().predicted() ? p.stallMs() : 0.0;
        e.observedWaitMs = f.outcome().waitMs();
        e.confirmed = f.outcome().confirmed();
        e.callSite = f.callSite();
        e.stack = f.stack().stream().map(dev.tinygram.observe.CallSites::format).collect(Collectors.joining("\n"));
        e.evidence = f.kernel() != null ? "kernel" : "model";
        e.kernel = ReportLine.kernel(f.kernel());
        e.mode = mode;
        e.action = f.action().label();
        e.commit();
    }
}
