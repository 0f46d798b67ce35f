package dev.tinygram.cli;

import dev.tinygram.core.ConnectionModel;
import dev.tinygram.core.HoldKind;
import dev.tinygram.core.ModelTrace;
import dev.tinygram.core.Profile;
import dev.tinygram.core.ReadOutcome;
import dev.tinygram.core.RttEstimate;
import dev.tinygram.core.StallPrediction;
import dev.tinygram.core.WriteDecision;
import dev.tinygram.report.Json;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code predict}: runs a sequence of writes, reads and pauses through the decision core and prints the
 * timeline and a verdict. The peer is assumed to answer as soon as it has every byte written before the read.
 */
final class PredictCommand {
    /** Ethernet's MTU of 1500 less the IPv4 and TCP headers and the 12 B of timestamps Linux puts on every segment. */
    static final int DEFAULT_MSS = 1448;
    static final double DEFAULT_RTT_MS = 0.2;
    /** As the agent's {@code minStall}: a Nagle hold that costs less is not worth a verdict. */
    static final double DEFAULT_MIN_STALL_MS = 1;
    static final int ANSWER_BYTES = 50;

    private static final Pattern WRITE = Pattern.compile("w([0-9]{1,10})");
    private static final Pattern GAP = Pattern.compile("\\+([0-9]+(?:\\.[0-9]+)?)(ms|us)?");

    private Profile profile = Profile.named("auto");
    private int mss = DEFAULT_MSS;
    private double rttMs = DEFAULT_RTT_MS;
    private double minStallMs = DEFAULT_MIN_STALL_MS;
    private boolean nodelay;
    private boolean fresh;
    private boolean json;
    private final List<String> events = new ArrayList<>();

    PredictCommand(String[] args) throws UsageException {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--profile":
                    try {
                        profile = Profile.named(value(args, ++i, a));
                    } catch (IllegalArgumentException e) {
                        throw new UsageException("--profile: " + e.getMessage());
                    }
                    break;
                case "--mss": mss = (int) positive(value(args, ++i, a), a, 88, 1 << 20); break;
                case "--rtt": rttMs = positiveDecimal(value(args, ++i, a), a); break;
                case "--min-stall": minStallMs = nonNegativeDecimal(value(args, ++i, a), a); break;
                case "--nodelay": nodelay = true; break;
                case "--fresh": fresh = true; break;
                case "--json": json = true; break;
                default:
                    if (a.startsWith("--")) throw new UsageException("unknown option '" + a + "'");
                    checkEvent(a);
                    events.add(a);
            }
        }
        if (events.isEmpty()) throw new UsageException("predict needs EVENTS, for example: w100 w100 r");
    }

    int run(PrintStream out) {
        Timeline timeline = new Timeline();
        long rtt = Math.round(rttMs * 1e6);
        // The RTT given is the path's, as a connect's time would be: the model still learns from the answers.
        ConnectionModel model = new ConnectionModel(new ConnectionModel.Config(profile, mss, rtt,
                RttEstimate.Source.CONNECT, nodelay, fresh), timeline);
        List<Read> reads = new ArrayList<>();
        long now = 0;
        for (String event : events) {
            if (event.equals("r")) {
                StallPrediction p = model.onReadStart(now);
                timeline.add(now, "app", describe(p));
                long answerAt = model.heldBytesLeaveAt(now) + rtt;
                ReadOutcome o = model.onReadEnd(answerAt, ANSWER_BYTES);
                timeline.add(answerAt - rtt / 2, "peer", "has the whole request and answers; the answer carries its ACK");
                timeline.add(answerAt, "app", String.format(Locale.ROOT,
                        "read returns the peer's %d B answer after %.3f ms", ANSWER_BYTES, o.waitMs()));
                reads.add(new Read(now, p, o));
                now = answerAt;
            } else if (event.startsWith("w")) {
                long bytes = Long.parseLong(event.substring(1));
                int line = timeline.add(now, "app", "writes " + bytes + " B");
                WriteDecision d = model.onWrite(now, bytes);
                timeline.append(line, ": " + d.reason().description()
                        + (d.held() ? ", " + d.bytesHeld() + " B now held" : ""));
            } else {
                now += gapNanos(event);
            }
        }
        if (json) out.println(toJson(reads)); else printText(out, timeline, reads);
        return 0;
    }

    private String describe(StallPrediction p) {
        if (p.stall()) {
            return String.format(Locale.ROOT, "waits to read: STALL predicted, %.3f ms left (up to %.3f ms); %.3f ms"
                    + " over writing once: %s", p.expectedMs(), p.upperBoundMs(), p.stallMs(), p.reason());
        }
        if (reportable(p)) {
            return String.format(Locale.ROOT, "waits to read: NAGLE HOLD predicted, %.3f ms left; %.3f ms over"
                    + " writing once: %s", p.expectedMs(), p.stallMs(), p.reason());
        }
        if (p.held()) {
            return String.format(Locale.ROOT, "waits to read: a %.3f ms Nagle hold, under --min-stall %.3f ms (%s)",
                    p.stallMs(), minStallMs, p.reason());
        }
        return "waits to read: no stall (" + p.reason() + ")";
    }

    /** A prediction worth a verdict: a delayed-ACK stall, or a Nagle hold costing at least --min-stall. */
    private boolean reportable(StallPrediction p) {
        return p.held() && p.stallNanos() >= Math.round(minStallMs * 1e6);
    }

    private void printText(PrintStream out, Timeline timeline, List<Read> reads) {
        out.printf(Locale.ROOT, "profile %s, MSS %d B, RTT %.3f ms, %s, %s%n", profile.name(), mss, rttMs,
                nodelay ? "TCP_NODELAY on" : "Nagle on", fresh ? "new connection (peer quick-acks)"
                        : "established connection (peer interactive)");
        timeline.print(out);
        StallPrediction worst = worst(reads);
        if (worst == null) {
            out.println("verdict: no stall" + (reads.isEmpty() ? " (no read: add r to wait for an answer)" : ""));
        } else if (worst.stall()) {
            long stalls = reads.stream().filter(r -> r.prediction.stall()).count();
            out.printf(Locale.ROOT, "verdict: STALL on %d of %d reads, %.1f ms (up to %.1f ms) over writing once,"
                    + " waiting for the peer's delayed ACK.%nfix: write the request once (or through a buffer"
                    + " flushed once), or setTcpNoDelay(true), or run the app with tinygram's mode=coalesce%n",
                    stalls, reads.size(), worst.stallMs(), worst.upperBoundMs());
        } else {
            long holds = reads.stream().filter(r -> reportable(r.prediction)).count();
            out.printf(Locale.ROOT, "verdict: NAGLE HOLD on %d of %d reads, %.1f ms over writing once: the last"
                    + " partial segment waits about one round trip for an ACK, no delayed ACK involved.%nfix: write"
                    + " the request once (or through a buffer flushed once), or setTcpNoDelay(true), or run the app"
                    + " with tinygram's mode=coalesce%n", holds, reads.size(), worst.stallMs());
        }
    }

    private String toJson(List<Read> reads) {
        StallPrediction worst = worst(reads);
        List<String> rendered = new ArrayList<>();
        for (Read r : reads) {
            rendered.add(new Json().put("atMs", r.at / 1e6).put("kind", kind(r.prediction))
                    .put("stall", r.prediction.stall())
                    .put("predictedStallMs", r.prediction.stallMs())
                    .put("predictedWaitMs", r.prediction.expectedMs())
                    .put("upperBoundMs", r.prediction.upperBoundMs())
                    .put("heldBytes", r.prediction.heldBytes()).put("waitMs", r.outcome.waitMs())
                    .put("reason", r.prediction.reason()).toString());
        }
        return new Json().put("profile", profile.name()).put("mss", mss).put("rttMs", rttMs)
                .put("nodelay", nodelay).put("fresh", fresh).put("minStallMs", minStallMs)
                .put("kind", worst == null ? HoldKind.NONE.label() : worst.kind().label())
                .put("stall", worst != null && worst.stall())
                .put("predictedStallMs", worst == null ? 0 : worst.stallMs())
                .put("upperBoundMs", worst == null ? 0 : worst.upperBoundMs())
                .putRaw("reads", Json.rawArray(rendered)).toString();
    }

    /** The kind a read reports as: none for a hold under --min-stall. */
    private String kind(StallPrediction p) {
        return reportable(p) ? p.kind().label() : HoldKind.NONE.label();
    }

    /** The costliest delayed-ACK stall; failing that, the costliest Nagle hold worth a verdict. */
    private StallPrediction worst(List<Read> reads) {
        Comparator<StallPrediction> byKindThenCost = Comparator.<StallPrediction>comparingInt(p -> p.kind().ordinal())
                .thenComparingLong(StallPrediction::stallNanos);
        return reads.stream().map(r -> r.prediction).filter(this::reportable).max(byKindThenCost).orElse(null);
    }

    private record Read(long at, StallPrediction prediction, ReadOutcome outcome) {}

    // ---- parsing -----------------------------------------------------------------------------------------------

    private static void checkEvent(String token) throws UsageException {
        if (token.equals("r") || GAP.matcher(token).matches()) return;
        Matcher w = WRITE.matcher(token);
        if (w.matches() && Long.parseLong(w.group(1)) > 0 && Long.parseLong(w.group(1)) <= Integer.MAX_VALUE) return;
        throw new UsageException("bad event '" + token + "': expected wN (write N > 0 bytes), r (read), "
                + "or +N, +Nms, +Nus (time passes)");
    }

    private static long gapNanos(String token) {
        Matcher m = GAP.matcher(token);
        if (!m.matches()) throw new IllegalStateException(token);
        double n = Double.parseDouble(m.group(1));
        return Math.round("us".equals(m.group(2)) ? n * 1e3 : n * 1e6);
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length) throw new UsageException("option '" + option + "' needs a value");
        return args[i];
    }

    private static long positive(String v, String option, long min, long max) throws UsageException {
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException("bad value '" + v + "' for " + option + ": expected a whole number from " + min
                + " to " + max);
    }

    private static double positiveDecimal(String v, String option) throws UsageException {
        try {
            double d = Double.parseDouble(v);
            if (d > 0 && d < 60_000) return d;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException("bad value '" + v + "' for " + option + ": expected milliseconds above 0");
    }

    private static double nonNegativeDecimal(String v, String option) throws UsageException {
        try {
            double d = Double.parseDouble(v);
            if (d >= 0 && d < 60_000) return d;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException("bad value '" + v + "' for " + option + ": expected milliseconds, 0 or more");
    }

    /** Collects what happens, in time order, for printing. */
    private static final class Timeline implements ModelTrace {
        private static final class Entry {
            final long at;
            final int seq;
            final String who;
            String what;

            Entry(long at, int seq, String who, String what) {
                this.at = at;
                this.seq = seq;
                this.who = who;
                this.what = what;
            }
        }

        private final List<Entry> entries = new ArrayList<>();

        /** Adds a line; returns its number, for {@link #append}. */
        int add(long at, String who, String what) {
            entries.add(new Entry(at, entries.size(), who, what));
            return entries.size() - 1;
        }

        void append(int line, String more) {
            entries.get(line).what += more;
        }

        @Override
        public void segmentSent(long at, long bytes, boolean full) {
            add(at, "tcp", "sends a " + bytes + " B segment" + (full ? " (full)" : ""));
        }

        @Override
        public void peerReceives(long arrivedAt, long bytes, long acksAt, boolean delayed, String why) {
            add(arrivedAt, "peer", "receives " + bytes + " B; " + (delayed
                    ? String.format(Locale.ROOT, "delays its ACK to %.3f ms (%s)", acksAt / 1e6, why)
                    : "ACKs at once (" + why + ")"));
        }

        @Override
        public void peerMode(long at, boolean interactive, String why) {
            add(at, "peer", (interactive ? "enters" : "leaves") + " interactive (pingpong) mode: " + why);
        }

        @Override
        public void ackArrived(long at, long bytes) {
            add(at, "tcp", "ACK arrives for " + bytes + " B");
        }

        void print(PrintStream out) {
            entries.sort(Comparator.<Entry>comparingLong(e -> e.at).thenComparingInt(e -> e.seq));
            for (Entry e : entries) out.printf(Locale.ROOT, "%10.3f ms  %-4s  %s%n", e.at / 1e6, e.who, e.what);
        }
    }
}
