package dev.tinygram.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * The mirror case, seen from the receiving side: a peer writes a request in pieces with Nagle on, and our own
 * delayed ACK holds its second piece. A read returns a small piece; the next read, with no write of ours between,
 * waits until our delayed-ACK timer fires, the ACK reaches the peer, and the rest comes back: our timer plus about
 * one round trip.
 *
 * <p>Our side's ACK mode follows the same Linux rules as the peer's in {@link ConnectionModel}, applied to us:
 * <ul>
 *   <li>a new connection starts in quick-ack mode (not interactive); one seen mid-life is taken as interactive;</li>
 *   <li>we turn interactive when we write within our delayed-ACK time of the data we last read
 *       ({@code tcp_event_data_sent});</li>
 *   <li>we leave interactive mode when our delayed-ACK timer fires with nothing of ours to ride on: a read that
 *       waited that long proves it ({@code tcp_delack_timer_handler});</li>
 *   <li>only a piece smaller than one MSS can be the start of such a stall: two full-sized segments are ACKed at
 *       once, and a sender's Nagle never holds a full segment.</li>
 * </ul>
 * A slow peer looks the same until the read ends, so a stall is only <em>confirmed</em> by a wait near the
 * predicted one: at least 90 % of our timer beyond the round trip, and not much past timer plus round trip (a peer
 * that sends its rest 100 ms later was slow, not held). Pure: time is passed in; not thread-safe.
 */
public final class InboundModel {
    /** Confirmed only if the wait is at most this much past the predicted one: a slower rest was the peer's. */
    static final long CONFIRM_SLACK_NANOS = 25_000_000;
    /**
     * ... and at least this many tenths of our delayed-ACK timer beyond the round trip: our timer does not fire
     * early, while a peer busy for 30 ms (a TLS handshake's first Finished, on a cold JVM) must not confirm one.
     */
    static final int CONFIRM_LOW_TENTHS = 9;
    private static final int MAX_PIECES = 64;

    private final Profile profile;
    private final int mss;
    private boolean interactive;
    private long lastDataAt = Long.MIN_VALUE;
    private long lastPieceBytes;
    private boolean wroteSinceData = true;
    private long[] pieces = new long[4];
    private int pieceCount;
    /** The prediction of the read waiting now, kept as plain fields: most are not confirmed, and none is kept. */
    private boolean pending;
    private long pendingPieceBytes;
    private long pendingStartedAt;
    private long pendingExpectedNanos;

    /** @param fresh a connection from its start (our side quick-acks at first), not one first seen mid-life */
    public InboundModel(Profile profile, int mss, boolean fresh) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.mss = mss;
        // Without Linux's pingpong mode, a receiver delays the ACK of a lone small segment from the start.
        this.interactive = !fresh || !profile.hasPingpongMode();
    }

    /** What one read that started after a piece predicts. */
    public record InboundPrediction(long pieceBytes, long startedAt, long expectedNanos, long delayedAckNanos) {}

    /** How a predicted read ended. */
    public record InboundOutcome(InboundPrediction prediction, long[] pieces, long waitNanos, boolean confirmed) {}

    /** We wrote: whatever the peer sent so far was a whole message, answered. */
    public void onOwnWrite(long now) {
        if (lastDataAt != Long.MIN_VALUE && !wroteSinceData
                && DelayedAckRule.answersQuickly(now - lastDataAt, profile.delayedAckNanos())) {
            interactive = true;
        }
        wroteSinceData = true;
        pieceCount = 0;
        pending = false;
    }

    /**
     * A read starts. It waits for our delayed ACK when the last thing read was a small piece, nothing of ours went
     * out since, and our side is interactive: the peer's Nagle holds the rest until our ACK.
     */
    public InboundPrediction onReadStart(long now, long rttNanos) {
        onReadStarted(now, rttNanos);
        return pending ? pendingPrediction() : null;
    }

    /** The same, returning nothing: for a caller that needs only the outcome, with nothing allocated per read. */
    public void onReadStarted(long now, long rttNanos) {
        pending = false;
        if (!readStartMayPredict()) return;
        long ackFires = lastDataAt + profile.delayedAckNanos();
        long restArrives = ackFires + rttNanos;
        if (restArrives <= now) return;
        pending = true;
        pendingPieceBytes = lastPieceBytes;
        pendingStartedAt = now;
        pendingExpectedNanos = restArrives - now;
    }

    private InboundPrediction pendingPrediction() {
        return new InboundPrediction(pendingPieceBytes, pendingStartedAt, pendingExpectedNanos,
                profile.delayedAckNanos());
    }

    /**
     * Whether a read starting now may predict a wait for our delayed ACK, whenever it starts: otherwise a caller
     * may leave its start untimed and not tell this model of it.
     */
    public boolean readStartMayPredict() {
        return !wroteSinceData && pieceCount > 0 && interactive && lastPieceBytes < mss;
    }

    /**
     * A read ended with {@code bytes} (&gt; 0: data). Returns the outcome of a predicted read, confirmed or not, or
     * null if none was predicted.
     */
    public InboundOutcome onReadEnd(long now, long bytes, long rttNanos) {
        return readEnded(now, bytes, rttNanos, true);
    }

    /** The same, returning only a confirmed outcome, and allocating nothing for a read that confirms nothing. */
    public InboundOutcome onReadEndConfirmed(long now, long bytes, long rttNanos) {
        return readEnded(now, bytes, rttNanos, false);
    }

    private InboundOutcome readEnded(long now, long bytes, long rttNanos, boolean unconfirmedToo) {
        boolean predicted = pending;
        pending = false;
        if (bytes <= 0) return null;
        InboundOutcome outcome = null;
        if (predicted) {
            long delayedAck = profile.delayedAckNanos();
            long waited = Math.max(0, now - pendingStartedAt);
            boolean confirmed = waited - rttNanos >= CONFIRM_LOW_TENTHS * delayedAck / 10
                    && waited <= pendingExpectedNanos + CONFIRM_SLACK_NANOS;
            if (waited >= delayedAck && profile.hasPingpongMode()) interactive = false;
            addPiece(bytes);
            if (confirmed || unconfirmedToo) {
                outcome = new InboundOutcome(pendingPrediction(), Arrays.copyOf(pieces, Math.min(pieceCount,
                        MAX_PIECES)), waited, confirmed);
            }
        } else {
            if (wroteSinceData) pieceCount = 0;
            addPiece(bytes);
        }
        wroteSinceData = false;
        lastDataAt = now;
        lastPieceBytes = bytes;
        return outcome;
    }

    public boolean interactive() {
        return interactive;
    }

    private void addPiece(long bytes) {
        if (pieceCount < MAX_PIECES) {
            if (pieceCount == pieces.length) pieces = Arrays.copyOf(pieces, pieces.length * 2);
            pieces[pieceCount] = bytes;
        }
        pieceCount++;
    }
}
