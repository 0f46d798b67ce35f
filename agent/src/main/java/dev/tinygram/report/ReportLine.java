package dev.tinygram.report;

import dev.tinygram.observe.CallSites;
import dev.tinygram.conn.Endpoint;
import dev.tinygram.observe.Finding;
import dev.tinygram.core.StallPrediction;
import dev.tinygram.kernel.TcpInfo;
import java.util.ArrayList;
import java.util.List;

/** A finding as one JSON object, with the field names the README documents. Sizes only, never payload. */
final class ReportLine {
    private ReportLine() {}

    /** A line for {@code occurrences} findings like {@code f}, the latest, of which {@code confirmed} confirmed. */
    static String of(Finding f, String mode, long occurrences, long confirmed) {
        StallPrediction p = f.outcome().prediction();
        List<String> stack = new ArrayList<>(f.stack().size());
        for (StackTraceElement frame : f.stack()) stack.add(CallSites.format(frame));
        return new Json()
                .put("time", f.time().toString())
                .put("kind", f.kind().label())
                .put("local", Endpoint.text(f.endpoint().local()))
                .put("remote", Endpoint.text(f.endpoint().remote()))
                .put("api", f.endpoint().api().label())
                .put("role", f.role().label())
                .put("nodelay", f.nodelay())
                .putRaw("writes", Json.array(f.writes()))
                .put("heldBytes", p.heldBytes())
                .put("mss", f.mss())
                .put("rttMs", f.rttNanos() / 1e6)
                .put("predicted", f.outcome().predicted())
                .put("predictedStallMs", f.outcome().predicted() ? p.stallMs() : 0.0)
                .put("predictedWaitMs", p.expectedMs())
                .put("upperBoundMs", p.upperBoundMs())
                .put("observedWaitMs", f.outcome().waitMs())
                .put("confirmed", confirmed == occurrences)
                .put("reason", f.outcome().reason())
                .put("hint", FindingText.hint(f))
                .put("callSite", f.callSite())
                .putRaw("stack", Json.array(stack))
                .put("evidence", f.kernel() != null ? "kernel" : "model")
                .putRaw("kernel", kernel(f.kernel()))
                .put("mode", mode)
                .put("action", f.action().label())
                .put("occurrences", occurrences)
                .put("confirmedOccurrences", confirmed)
                .toString();
    }

    /** The kernel's numbers, sizes and times only, the ones it returned; {@code null} where it was not asked. */
    static String kernel(TcpInfo k) {
        if (k == null) return "null";
        Json j = new Json();
        if (k.knowsHeldBytes()) j.put("notsentBytes", k.notsentBytes());
        j.put("unacked", k.unacked()).put("sndMss", k.sndMss()).put("rcvMss", k.rcvMss()).put("rttUs", k.rttMicros());
        if (k.minRttMicros() != TcpInfo.ABSENT && k.minRttMicros() != TcpInfo.NO_SAMPLE) j.put("minRttUs", k.minRttMicros());
        return j.put("atoUs", k.atoMicros()).put("lastDataSentMs", k.lastDataSentMillis())
                .put("lastAckRecvMs", k.lastAckRecvMillis()).toString();
    }
}
