package dev.tinygram.core;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * One TCP connection, from the local side: the sender's Nagle rule, and an estimate of the peer's delayed ACK.
 * Feed it writes, the start and end of reads, and TCP_NODELAY changes, each with the time; it answers what left,
 * what was held, and whether a read will stall. See the package documentation for what it estimates and how.
 *
 * <p>Not thread-safe: one connection's events are fed in order, under the caller's lock. Times that go backwards
 * (two threads reading the clock in a race) are treated as the latest time seen.
 */
public final class ConnectionModel {

    /**
     * @param profile         the platform's sender rule and the peer's ACK policy
     * @param mss             the sender's MSS in bytes
     * @param initialRttNanos the RTT to assume until one is learned
     * @param rttSource       where that first RTT came from (see {@link RttEstimate})
     * @param nodelay         TCP_NODELAY at the start
     * @param fresh           a new connection (the peer quick-acks at first) rather than one seen mid-life
     */
    public record Config(Profile profile, int mss, long initialRttNanos, RttEstimate.Source rttSource,
                         boolean nodelay, boolean fresh) {
        public Config {
            Objects.requireNonNull(profile, "profile");
            Objects.requireNonNull(rttSource, "rttSource");
            if (mss < 1) throw new IllegalArgumentException("mss must be at least 1, was " + mss);
            if (initialRttNanos < 1) throw new IllegalArgumentException("rtt must be positive, was " + initialRttNanos);
        }

        /** A connection whose first RTT is a guess. */
        public Config(Profile profile, int mss, long initialRttNanos, boolean nodelay, boolean fresh) {
            this(profile, mss, initialRttNanos, RttEstimate.Source.GUESS, nodelay, fresh);
        }

        public Config withNodelay(boolean on) {
            return new Config(profile, mss, initialRttNanos, rttSource, on, fresh);
        }
    }

    /**
     * A held answer is counted through the hold only if the burst's writes, and the segment that held its tail,
     * fall within this share of the answer before the last write.
     */
    static final int HELD_BOUND_MAX_SHARE = 8;

    /** The most writes {@link #onEvenWritesHeld} takes at once. */
    public static final int MAX_EVEN_WRITES = 1 << 15;

    /** A read that waited longer than this share of the predicted stall confirms it. */
    static final double CONFIRM_LOW = 0.75;
    /** ... and no longer than this multiple of the upper bound (a slower wait is something else). */
    static final double CONFIRM_HIGH = 1.5;

    private final Profile profile;
    /** The sender's MSS: from the config, then the kernel's working MSS where it says (see {@link #onKernelMss}). */
    private int mss;
    private final ModelTrace trace;
    private final ArrayDeque<Segment> inFlight = new ArrayDeque<>();

    private boolean nodelay;
    private long queuedBytes;
    private Segment lastSmallSegmentUnacked;
    private Segment lastSent;
    private final RttEstimate rtt;

    private boolean peerInteractive;
    /** When (the peer's time, our clock) it last entered interactive mode; a delayed ACK before that is old news. */
    private long peerInteractiveSince = Long.MIN_VALUE;
    private int quickAcksLeft;
    private int peerRcvMss;

    private long clock = Long.MIN_VALUE;
    private boolean wroteSinceLastRead;
    private long lastWriteAt;
    /**
     * A time the burst's last write was surely made no earlier than: {@link #lastWriteAt}, unless the last writes
     * were only known to be made by some time ({@link #onEvenWritesMadeBy}); then the last write before them. An
     * answer is timed from here, so that a round trip learnt from it is never shorter than the path.
     */
    private long answerTimedFrom;
    /** The first write since the last read, and whether anything was in flight then. */
    private long burstStartedAt;
    private boolean inFlightAtBurstStart;
    private boolean heldSinceLastRead;
    /** Answers to our bursts that came quickly, in a row: the peer's usual pace (see {@link MeasuredStallRule}). */
    private int quickAnswersInARow;
    /** Predicted delayed-ACK stalls whose reads cleared at once, in a row (see {@link UnbornePredictionRule}). */
    private int stallPredictionsCleared;
    private boolean reading;
    private long readStartedAt;
    private StallPrediction readPrediction;
    /** When the segment the read's held tail waits behind was sent (its prediction's blocker). */
    private long blockerSentAt;
    /** The prediction of the read that ended last. */
    private StallPrediction lastPrediction;
    /** The last no-stall answer, handed out again while nothing in it changes: most reads predict nothing. */
    private StallPrediction noStall;

    public ConnectionModel(Config config) {
        this(config, ModelTrace.NONE);
    }

    public ConnectionModel(Config config, ModelTrace trace) {
        this.profile = config.profile();
        this.mss = config.mss();
        this.trace = Objects.requireNonNull(trace, "trace");
        this.nodelay = config.nodelay();
        this.rtt = new RttEstimate(config.rttSource(), config.initialRttNanos());
        this.peerInteractive = !config.fresh();
        // Quick-ack mode is a new connection's: one seen mid-life used its quick ACKs up long ago.
        this.quickAcksLeft = config.fresh() ? profile.quickAcksAtStart() : 0;
        this.peerRcvMss = profile.initialRcvMss(mss);
    }

    // ---- inputs ----------------------------------------------------------------------------------------------

    /** The application wrote {@code bytes} at {@code now}. */
    public WriteDecision onWrite(long now, long bytes) {
        long sentBefore = sentBytes;
        WriteReason why = write(now, bytes);
        return new WriteDecision(sentBytes - sentBefore, queuedBytes, why);
    }

    /**
     * The same as {@link #onWrite}, for a caller that needs only whether bytes are now held: the agent calls it
     * on every write, where a decision object per write would be garbage per write.
     */
    public boolean onWriteHeld(long now, long bytes) {
        write(now, bytes);
        return queuedBytes > 0;
    }

    /**
     * {@code writes} writes of {@code bytes} in all, made one after another since the last write, the last of them
     * at {@code now}, without a clock reading of their own (a stream's writes, summed by the caller). They are
     * taken as evenly spaced and evenly sized, and given to the sender in pieces cut where that changes what it
     * does: at each ACK's arrival, at each filled segment, and at a write that would leave at once. So for writes
     * that really were even, the segments and their times are those of the writes given one by one; for others,
     * a segment's time is off by at most the gap its writes were spread over. Returns whether bytes are now held.
     */
    public boolean onEvenWritesHeld(long now, int writes, long bytes) {
        now = Math.max(now, clock);
        long from = wroteSinceLastRead ? lastWriteAt : clock == Long.MIN_VALUE ? now : clock;
        EvenWrites even = EvenWrites.of(from, now, writes, bytes);
        boolean startsBurst = !wroteSinceLastRead;
        int given = 0;
        while (given < writes) {
            int first = given + 1;
            advanceTo(even.timeOf(first));   // what the ACKs due by this write let go, first
            boolean inFlightAtFirst = !inFlight.isEmpty();
            int last = holdsPartialNow() ? Math.min(even.lastBefore(nextAckArrival()),
                    even.firstFilling(given, mss - queuedBytes)) : first;
            last = Math.max(first, last);
            write(even.timeOf(last), even.bytesThrough(last) - even.bytesThrough(given));
            if (startsBurst && given == 0) {   // the burst began at its first write, not at its first piece's last
                burstStartedAt = even.timeOf(1);
                inFlightAtBurstStart = inFlightAtFirst;
            }
            given = last;
        }
        return queuedBytes > 0;
    }

    /**
     * The same for writes known only to be made by {@code by}, not at it: a stream's writes summed before a read
     * starts, an option or a shutdown. They are spread as {@link #onEvenWritesHeld} spreads them, up to {@code by};
     * but the application may have paused between its last write and {@code by}, so the answer to them is timed
     * from the last write the model knows was made: spread up to a read that began 10 ms after the stream's end,
     * an answer waiting there would make the path a few microseconds. The round trip learnt errs long instead.
     * A model that has seen no event before them knows no such write, and times the answer from {@code by}.
     */
    public boolean onEvenWritesMadeBy(long by, int writes, long bytes) {
        long knownMade = wroteSinceLastRead ? answerTimedFrom : clock;
        boolean held = onEvenWritesHeld(by, writes, bytes);
        if (knownMade != Long.MIN_VALUE) answerTimedFrom = Math.min(answerTimedFrom, knownMade);
        return held;
    }

    /** Whether the sender would hold a partial segment written now (Nagle on, and data it waits behind). */
    private boolean holdsPartialNow() {
        return NagleRule.holdsPartialSegment(profile.senderRule(), nodelay, !inFlight.isEmpty(),
                lastSmallSegmentUnacked);
    }

    /** When the next ACK arrives, or {@code Long.MAX_VALUE} with nothing in flight. */
    private long nextAckArrival() {
        return inFlight.isEmpty() ? Long.MAX_VALUE : ackArrival(inFlight.peekFirst());
    }

    /**
     * Writes 1 to {@code count} of {@code total} bytes, spread evenly over {@code (from, to]}. The bounds keep
     * every product below 2^62: {@code count} at most {@value #MAX_EVEN_WRITES}, a write at most 2^31 - 1 bytes,
     * and a spread of at most 2^47 ns (39 hours; a longer one starts 2^47 ns before {@code to}, when every ACK of
     * what was sent before it has long arrived).
     */
    private record EvenWrites(long from, long to, int count, long total) {
        static final long MAX_SPREAD_NANOS = 1L << 47;

        static EvenWrites of(long from, long to, int count, long total) {
            if (count < 1 || count > MAX_EVEN_WRITES) {
                throw new IllegalArgumentException("writes must be 1 to " + MAX_EVEN_WRITES + ", was " + count);
            }
            if (total < 0 || total > count * (long) Integer.MAX_VALUE) {
                throw new IllegalArgumentException(count + " writes cannot make " + total + " B");
            }
            long spread = Math.min(Math.max(0, to - from), MAX_SPREAD_NANOS);
            return new EvenWrites(to - spread, to, count, total);
        }

        long timeOf(int write) {
            return from + (to - from) * write / count;
        }

        long bytesThrough(int write) {
            return total * write / count;
        }

        /** The last write made before {@code time}: 0 if none, {@code count} if all. */
        int lastBefore(long time) {
            if (time > to) return count;
            if (time <= from) return 0;
            int last = (int) ((time - from) * count / Math.max(1, to - from));   // within one of the answer
            while (last < count && timeOf(last + 1) < time) last++;
            while (last > 0 && timeOf(last) >= time) last--;
            return last;
        }

        /** The first write after {@code given} that brings the bytes since {@code given} to {@code need}, or the last. */
        int firstFilling(int given, long need) {
            if (total == 0) return count;
            long through = bytesThrough(given) + Math.max(1, need);
            if (through > total) return count;
            int write = (int) Math.max(given + 1, through * count / total);   // within one of the answer
            while (write < count && bytesThrough(write) < through) write++;
            while (write > given + 1 && bytesThrough(write - 1) >= through) write--;
            return write;
        }
    }

    private WriteReason write(long now, long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative write: " + bytes);
        now = advanceTo(now);
        if (!wroteSinceLastRead) {
            burstStartedAt = now;
            inFlightAtBurstStart = !inFlight.isEmpty();
        }
        queuedBytes += bytes;
        WriteReason why = transmit(now);
        wroteSinceLastRead = true;
        lastWriteAt = now;
        answerTimedFrom = now;
        heldSinceLastRead |= queuedBytes > 0;
        return why;
    }

    /** TCP_NODELAY changed; turning it on pushes whatever is held. Returns the bytes that left. */
    public long onNodelay(long now, boolean on) {
        now = advanceTo(now);
        nodelay = on;
        long sentBefore = sentBytes;
        if (on && queuedBytes > 0) transmit(now);
        return sentBytes - sentBefore;
    }

    /** The application shut down its output: the FIN goes out with Nagle off, pushing what is held. */
    public long onShutdownOutput(long now) {
        now = advanceTo(now);
        boolean wasNodelay = nodelay;
        nodelay = true;
        long sentBefore = sentBytes;
        if (queuedBytes > 0) transmit(now);
        nodelay = wasNodelay;
        return sentBytes - sentBefore;
    }

    /** The application started waiting to read. Predicts whether the wait is a delayed-ACK stall. */
    public StallPrediction onReadStart(long now) {
        now = advanceTo(now);
        reading = true;
        readStartedAt = now;
        readPrediction = predictStall(now);
        return readPrediction;
    }

    /**
     * A read ended: {@code bytes > 0} data arrived, otherwise nothing did (end of stream, or an empty
     * non-blocking read). A read that was never started is taken to have started now.
     */
    public ReadOutcome onReadEnd(long now, long bytes) {
        return onReadEnd(now, bytes, false);
    }

    /**
     * The same, where {@code sentAsWritten} says that the kernel really sent every write at once (a fix turned
     * Nagle off under the application): the model still predicts what the application's own settings would do,
     * but the answer's time is then a plain round trip, to learn the path from.
     */
    public ReadOutcome onReadEnd(long now, long bytes, boolean sentAsWritten) {
        long rttBefore = rtt.nanos();   // this read's own answer may not explain its wait away
        long waited = judgeRead(now, bytes, sentAsWritten, rttBefore);
        if (lastJudgement == Judgement.MEASURED_STALL) {
            return ReadOutcome.measuredStall(waited - rttBefore, waited, peerInteractive, peerRcvMss,
                    profile.delayedAckNanos());
        }
        // A fix sent it at once: whatever the read waited (a round trip, a coalescer's short delay), Nagle did not
        // hold it, so it confirms nothing; the prediction still says what the application's own settings would do.
        return new ReadOutcome(lastPrediction, waited, lastJudgement == Judgement.CONFIRMED);
    }

    /** The same as {@link #onReadEnd}, for a caller that will not report this read: nothing allocated. */
    public void onReadEndUnreported(long now, long bytes) {
        onReadEndUnreported(now, bytes, false);
    }

    /** The same, with {@code sentAsWritten} as for {@link #onReadEnd(long, long, boolean)}. */
    public void onReadEndUnreported(long now, long bytes, boolean sentAsWritten) {
        judgeRead(now, bytes, sentAsWritten, rtt.nanos());
    }

    /** What the wait of the read that ended last said of its prediction. */
    private enum Judgement { NONE, CONFIRMED, MEASURED_STALL }

    private Judgement lastJudgement = Judgement.NONE;

    /**
     * Ends the read and weighs its wait against its prediction: confirmed, a stall only the wait showed
     * ({@link MeasuredStallRule}), or a predicted stall that cleared at once ({@link UnbornePredictionRule}).
     * Returns the wait.
     */
    private long judgeRead(long now, long bytes, boolean sentAsWritten, long rttBefore) {
        boolean heldInBurst = heldSinceLastRead;
        int quickAnswersBefore = quickAnswersInARow;
        long waited = endRead(now, bytes, sentAsWritten) - readStartedAt;
        boolean predictedStall = lastPrediction != null && lastPrediction.stall();
        boolean judged = !sentAsWritten && bytes > 0;
        if (judged && MeasuredStallRule.measuredStall(heldInBurst, predictedStall, quickAnswersBefore, waited,
                rttBefore, profile.delayedAckNanos())) {
            stallPredictionsCleared = 0;   // the rules were right after all, only the timing was not
            lastJudgement = Judgement.MEASURED_STALL;
            return waited;
        }
        boolean confirmed = !sentAsWritten && confirms(lastPrediction, waited, rttBefore);
        if (judged && predictedStall) {
            if (confirmed) {
                stallPredictionsCleared = 0;
            } else if (UnbornePredictionRule.clearedAtOnce(waited, rttBefore, lastPrediction.stallNanos())) {
                stallPredictionsCleared++;
            }
        }
        lastJudgement = confirmed ? Judgement.CONFIRMED : Judgement.NONE;
        return waited;
    }

    /** Ends the read; returns the (monotonic) time it ended. */
    private long endRead(long now, long bytes, boolean sentAsWritten) {
        now = advanceTo(now);
        if (!reading) onReadStart(now);
        StallPrediction predicted = readPrediction;
        lastPrediction = predicted;
        if (bytes > 0) learnFromPeerData(now, predicted, sentAsWritten);
        reading = false;
        readPrediction = null;
        wroteSinceLastRead = false;
        heldSinceLastRead = false;
        return now;
    }

    // ---- state, for callers and tests ------------------------------------------------------------------------

    public long heldBytes() { return queuedBytes; }
    /** The latest time any event gave the model, or {@code Long.MIN_VALUE} before the first. */
    public long latestTime() { return clock; }
    /** Every byte written so far: sent, or held. */
    public long bytesWritten() { return sentBytes + queuedBytes; }
    public long bytesInFlight() { return inFlight.stream().mapToLong(s -> s.bytes).sum(); }
    public boolean nodelay() { return nodelay; }
    public long rttNanos() { return rtt.nanos(); }

    /** The fastest recent round-trip bound this connection measured, for later ones to the same peer; else -1. */
    public long pathBoundNanos() { return rtt.boundNanos(); }

    /**
     * The kernel's working MSS ({@code tcpi_snd_mss}), read when a read starts behind held bytes: from the next
     * write on, full segments are its. It changes over a connection's life (on loopback it is bounded by half the
     * peer's largest window, which grows).
     */
    public void onKernelMss(long kernelMss) {
        if (kernelMss > 0 && kernelMss <= Integer.MAX_VALUE) mss = (int) kernelMss;
    }

    /** The kernel measured the path's round trip (TCP_INFO after a confirmed stall): a bound on the estimate. */
    public void onKernelRtt(long nanos) {
        rtt.measuredByKernel(nanos);
    }
    public RttEstimate rtt() { return rtt; }
    public boolean peerInteractive() { return peerInteractive; }
    public int peerRcvMss() { return peerRcvMss; }
    public int mss() { return mss; }
    public Profile profile() { return profile; }

    /**
     * Whether the bytes held now could cost at least {@code minStallNanos} over writing the burst once: they wait
     * for an ACK the peer delays, or for one that long away. Cheap, and allocates nothing: asked at a held write,
     * where the agent must not spend time between the application's writes for a hold that will not matter.
     */
    public boolean holdMayMatter(long minStallNanos) {
        if (queuedBytes == 0) return false;
        Segment blocker = profile.senderRule() == SenderRule.MINSHALL ? lastSmallSegmentUnacked : inFlight.peekLast();
        return blocker != null && (blocker.ackDelayed || ackArrival(blocker) - lastWriteAt >= minStallNanos);
    }

    /**
     * Whether a read starting now could predict anything or be judged by its wait: bytes are held, or a write was
     * held since the last read. Otherwise its prediction is "nothing held" whenever it starts, and its wait is
     * weighed against nothing, so a caller may leave its start untimed ({@link #onReadEnd} then starts it at its
     * end, as it does a read that was never started).
     */
    public boolean readStartMatters() {
        return queuedBytes > 0 || heldSinceLastRead;
    }

    /** Whether a write of the burst since the last read was held by Nagle. */
    public boolean heldSinceLastRead() {
        return heldSinceLastRead;
    }

    /**
     * When every byte held now will have left, as far as the model can tell at {@code now}: now if nothing is
     * held, else when the ACK they wait for arrives.
     */
    public long heldBytesLeaveAt(long now) {
        if (queuedBytes == 0) return now;
        Segment blocker = profile.senderRule() == SenderRule.MINSHALL ? lastSmallSegmentUnacked : inFlight.peekLast();
        return blocker == null ? now : Math.max(now, ackArrival(blocker));
    }

    // ---- the sender ------------------------------------------------------------------------------------------

    private long sentBytes;

    /** Sends what the Nagle rule lets leave at {@code now}; returns why the tail left or stayed. */
    private WriteReason transmit(long now) {
        boolean sentFull = false;
        while (NagleRule.isFullSegment(queuedBytes, mss)) {
            sendSegment(now, mss);
            sentFull = true;
        }
        if (queuedBytes == 0) return sentFull ? WriteReason.FULL_SEGMENT : WriteReason.NOTHING_IN_FLIGHT;
        boolean packetsInFlight = !inFlight.isEmpty();
        if (holdsPartialNow()) {
            WriteReason why = profile.senderRule() == SenderRule.MINSHALL
                    ? WriteReason.HELD_BEHIND_UNACKED_SMALL_SEGMENT : WriteReason.HELD_BEHIND_UNACKED_DATA;
            trace.held(now, queuedBytes, why);
            return why;
        }
        WriteReason why = nodelay ? WriteReason.NODELAY
                : packetsInFlight ? WriteReason.MINSHALL_LAST_SMALL_SEGMENT_ACKED : WriteReason.NOTHING_IN_FLIGHT;
        sendSegment(now, queuedBytes);
        return why;
    }

    private void sendSegment(long now, long bytes) {
        Segment segment = new Segment(bytes, now, !NagleRule.isFullSegment(bytes, mss));
        queuedBytes -= bytes;
        sentBytes += bytes;
        planPeerAck(segment);
        inFlight.addLast(segment);
        lastSent = segment;
        if (segment.small) lastSmallSegmentUnacked = segment;
        trace.segmentSent(now, bytes, !segment.small);
    }

    // ---- the peer's delayed ACK ------------------------------------------------------------------------------

    /** Decides when the peer ACKs {@code segment}, given what it already holds unacknowledged. */
    private void planPeerAck(Segment segment) {
        long arrival = segment.arrivesAtPeer(oneWay());
        if (peerInteractive && profile.hasPingpongMode()) {
            long fired = delayedAckFiredBy(arrival);
            if (fired != Long.MIN_VALUE) leavePingpong(fired);
        }
        peerRcvMss = DelayedAckRule.measureRcvMss(peerRcvMss, segment.bytes, mss);
        long unackedBytes = segment.bytes;
        int unackedSegments = 1;
        int unackedFull = isFullSizedAtPeer(segment.bytes) ? 1 : 0;
        long runningTimer = Long.MAX_VALUE;
        for (Segment earlier : inFlight) {
            if (earlier.peerAcksAt <= arrival) continue;
            unackedBytes += earlier.bytes;
            unackedSegments++;
            if (isFullSizedAtPeer(earlier.bytes)) unackedFull++;
            runningTimer = Math.min(runningTimer, earlier.peerAcksAt);
        }
        boolean quickAck = DelayedAckRule.inQuickAckMode(quickAcksLeft, peerInteractive);
        boolean enough = DelayedAckRule.enoughUnackedToAckAtOnce(profile.ackRule(), unackedBytes, unackedSegments,
                unackedFull, peerRcvMss);
        boolean onRead = profile.hasPingpongMode()
                && DelayedAckRule.acksPushedSegmentWhenRead(peerInteractive, segment.bytes, peerRcvMss);
        boolean promptHere = UnbornePredictionRule.peerAcksPromptlyHere(stallPredictionsCleared);
        if (quickAck || enough || onRead || promptHere) {
            if (quickAck) quickAcksLeft--;
            segment.peerAcksAt = arrival;
            segment.ackDelayed = false;
            for (Segment earlier : inFlight) {
                if (earlier.peerAcksAt > arrival) {
                    earlier.peerAcksAt = arrival;
                    earlier.ackDelayed = false;
                }
            }
            if (trace != ModelTrace.NONE) {
                trace.peerReceives(arrival, segment.bytes, arrival, false, enough ? enoughReason(unackedBytes)
                        : quickAck ? "quick-ack mode (new connection)"
                        : promptHere ? "its answers showed no delayed ACK for the last stalls predicted"
                        : "out of interactive mode: a small pushed segment is ACKed as its application reads it");
            }
        } else {
            boolean timerRunning = runningTimer != Long.MAX_VALUE;
            segment.peerAcksAt = timerRunning ? runningTimer : arrival + profile.delayedAckNanos();
            segment.ackDelayed = true;
            if (trace != ModelTrace.NONE) {
                trace.peerReceives(arrival, segment.bytes, segment.peerAcksAt, true,
                        delayedReason(unackedBytes, timerRunning));
            }
        }
    }

    /**
     * Whether a delayed-ACK timer of the peer's fired by {@code peerTime} with nothing to ride on: a segment whose
     * ACK waits for the timer, still unanswered then, the timer set since the peer last turned interactive.
     */
    private long delayedAckFiredBy(long peerTime) {
        for (Segment s : inFlight) {
            if (s.ackDelayed && s.peerAcksAt <= peerTime && s.peerAcksAt > peerInteractiveSince) return s.peerAcksAt;
        }
        return Long.MIN_VALUE;
    }

    /** {@code tcp_delack_timer_handler}: a delayed ACK that missed its ride takes the peer out of pingpong mode. */
    private void leavePingpong(long at) {
        peerInteractive = false;
        trace.peerMode(at, false, "its delayed-ACK timer fired with nothing to ride on");
    }

    private boolean isFullSizedAtPeer(long bytes) {
        return profile.ackRule() == AckRule.MORE_THAN_ONE_RCV_MSS_UNACKED ? bytes >= peerRcvMss : bytes >= mss;
    }

    private String enoughReason(long unackedBytes) {
        switch (profile.ackRule()) {
            case MORE_THAN_ONE_RCV_MSS_UNACKED:
                return unackedBytes + " B unacknowledged is more than one rcv_mss (" + peerRcvMss + " B)";
            case EVERY_SECOND_FULL_SEGMENT: return "second full-sized segment unacknowledged";
            default: return "second segment unacknowledged";
        }
    }

    private String delayedReason(long unackedBytes, boolean timerRunning) {
        String why = (peerInteractive ? "interactive mode" : "no quick-ack left") + ", " + unackedBytes
                + " B unacknowledged";
        if (profile.ackRule() == AckRule.MORE_THAN_ONE_RCV_MSS_UNACKED) {
            why += " (rcv_mss " + peerRcvMss + " B)";
        }
        return why + (timerRunning ? ": joins the running delayed-ACK timer"
                : ": waits for data to ride on or its " + profile.delayedAckNanos() / 1_000_000 + " ms timer");
    }

    // ---- time ------------------------------------------------------------------------------------------------

    /** Moves the clock to {@code now}, letting every ACK due by then arrive and release what it may. */
    private long advanceTo(long now) {
        if (now < clock) now = clock;
        clock = now;
        while (!inFlight.isEmpty()) {
            long ackAt = ackArrival(inFlight.peekFirst());
            if (ackAt > now) break;
            long acked = 0;
            while (!inFlight.isEmpty() && ackArrival(inFlight.peekFirst()) <= ackAt) {
                Segment done = inFlight.removeFirst();
                if (done.ackDelayed && peerInteractive && profile.hasPingpongMode()
                        && done.peerAcksAt > peerInteractiveSince) {
                    leavePingpong(done.peerAcksAt);
                }
                if (done == lastSmallSegmentUnacked) lastSmallSegmentUnacked = null;
                acked += done.bytes;
            }
            trace.ackArrived(ackAt, acked);
            if (queuedBytes > 0) transmit(ackAt);
        }
        return now;
    }

    private long ackArrival(Segment segment) {
        return segment.ackArrivesAt(oneWay());
    }

    private long oneWay() {
        return rtt.nanos() / 2;
    }

    // ---- reads -----------------------------------------------------------------------------------------------

    /**
     * Held bytes make the read wait until the ACK that releases them comes back: a write-write-read stall when the
     * peer delays that ACK, a Nagle hold of about one round trip when it does not. Either costs, over writing the
     * burst once, the time from its last write until that ACK.
     */
    private StallPrediction predictStall(long now) {
        Segment blocker = profile.senderRule() == SenderRule.MINSHALL ? lastSmallSegmentUnacked : inFlight.peekLast();
        if (queuedBytes == 0 || blocker == null) {
            StallPrediction none = noStall;
            if (none == null || none.heldBytes() != queuedBytes || none.peerInteractive() != peerInteractive
                    || none.peerRcvMss() != peerRcvMss) {
                none = StallPrediction.none(queuedBytes, peerInteractive, peerRcvMss, profile.delayedAckNanos());
                noStall = none;
            }
            return none;
        }
        blockerSentAt = blocker.sentAt;
        long release = ackArrival(blocker);
        long expected = Math.max(0, release - now);
        long cost = Math.max(0, release - lastWriteAt);
        if (!blocker.ackDelayed) {
            return new StallPrediction(HoldKind.NAGLE_HOLD, cost, expected, expected, queuedBytes, blocker.bytes,
                    peerInteractive, peerRcvMss, profile.delayedAckNanos());
        }
        long upper = expected + profile.maxDelayedAckNanos() - profile.delayedAckNanos();
        return new StallPrediction(HoldKind.DELAYED_ACK, cost, expected, upper, queuedBytes, blocker.bytes,
                peerInteractive, peerRcvMss, profile.delayedAckNanos());
    }

    /**
     * Data from the peer ended our wait. It was sent at least half an RTT ago, so it acknowledges everything we
     * sent an RTT or more before now. If it ends a wait that followed a burst of ours, it answers that burst and
     * acknowledges all of it, held part included: the peer could not answer without it. Its time bounds the RTT
     * (see {@link RttEstimate}); and a peer that answered within its delayed-ACK time of our last segment is
     * interactive again ({@code tcp_event_data_sent}).
     */
    private void learnFromPeerData(long now, StallPrediction predicted, boolean sentAsWritten) {
        boolean answersOurBurst = wroteSinceLastRead;
        if (answersOurBurst) {
            long answer = Math.max(1, now - answerTimedFrom);
            quickAnswersInARow = MeasuredStallRule.isQuickAnswer(answer, rtt.nanos(), profile.delayedAckNanos())
                    ? Math.min(quickAnswersInARow + 1, MeasuredStallRule.QUICK_ANSWERS_BEFORE) : 0;
            learnRtt(answer, predicted, sentAsWritten);
        }
        long peerSentBy = now - oneWay();
        if (answersOurBurst && queuedBytes > 0) {
            // The peer answered what we wrote before waiting, so it had all of it: the ACK the held bytes waited
            // for came sooner than estimated, and they left in time to reach the peer before it answered.
            sendSegment(Math.max(peerSentBy - oneWay(), lastWriteAt), queuedBytes);
        }
        for (Segment segment : inFlight) {
            // The RTT is only an upper-bound guess, and a fixed path answers faster than it: any data ending a
            // wait that follows a burst is taken as the answer to it.
            boolean received = answersOurBurst || segment.arrivesAtPeer(oneWay()) <= peerSentBy;
            if (received && segment.peerAcksAt > peerSentBy) {
                segment.peerAcksAt = peerSentBy;
                segment.ackDelayed = false;
            }
        }
        if (answersOurBurst && lastSent != null && !peerInteractive
                && DelayedAckRule.answersQuickly(peerSentBy - lastSent.arrivesAtPeer(oneWay()),
                        profile.delayedAckNanos())) {
            peerInteractive = true;
            peerInteractiveSince = peerSentBy;
            trace.peerMode(peerSentBy, true, "it answered within its delayed-ACK time");
        }
        advanceTo(now);
    }

    /**
     * An answer {@code answer} after our last write bounds the RTT (see {@link RttEstimate}): plainly when nothing
     * was held or a fix sent it at once; through the hold when the tail waited for an ACK not delayed, or when the
     * answer came before any delayed-ACK timer could have fired; not at all when the timer may have made it.
     */
    private void learnRtt(long answer, StallPrediction predicted, boolean sentAsWritten) {
        if (!heldSinceLastRead || sentAsWritten) {
            rtt.answered(answer);
            return;
        }
        rtt.answeredAfterHold(answer);
        long heldBehind = lastWriteAt - blockerSentAt;
        long span = lastWriteAt - burstStartedAt;
        // Counted through the hold only for a burst written back to back after its answer left nothing in flight:
        // the model's own timeline says which segment held the tail and when that left, and after gaps between
        // writes it may be wrong; an RTT learnt too short is worse than one learnt too long.
        if (predicted != null && predicted.held() && !inFlightAtBurstStart
                && heldBehind <= answer / HELD_BOUND_MAX_SHARE && span <= answer / HELD_BOUND_MAX_SHARE
                && (predicted.kind() == HoldKind.NAGLE_HOLD || answer < profile.delayedAckNanos())) {
            rtt.answeredHeld(answer, heldBehind);
        }
    }

    /**
     * Writing the burst once would have had the answer after one round trip: only the wait beyond that can be the
     * hold's. A read confirms the prediction when that excess is most of the predicted cost (and not far beyond
     * its upper bound, which would be something else). So a read that takes about one round trip (a stall a fix
     * removed) never confirms one.
     */
    private boolean confirms(StallPrediction predicted, long waited, long rttNanos) {
        if (predicted == null || !predicted.held()) return false;
        long beyondPath = waited - rttNanos;
        return beyondPath > 0 && beyondPath >= CONFIRM_LOW * predicted.stallNanos()
                && waited <= CONFIRM_HIGH * predicted.upperBoundNanos() + rttNanos;
    }
}
