package dev.tinygram.tracker;

import static org.junit.jupiter.api.Assertions.*;

import dev.tinygram.conn.Endpoint;
import dev.tinygram.conn.Endpoints;
import dev.tinygram.conn.FixAction;
import dev.tinygram.conn.Role;
import dev.tinygram.core.Profile;
import dev.tinygram.core.RttEstimate;
import dev.tinygram.fix.FixNotices;
import dev.tinygram.fix.FixPolicy;
import dev.tinygram.fix.Fixer;
import dev.tinygram.observe.Finding;
import dev.tinygram.observe.FindingSink;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The event sink on a real loopback channel, with a clock the test moves: events reach observe, findings reach the
 * sink, and the fixer in force decides what happens to the socket. Nothing is instrumented; the test calls the
 * sink as the bridge would.
 */
class TrackerTest {
    private static final long MS = 1_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final List<Finding> recorded = new CopyOnWriteArrayList<>();
    private final List<Endpoint> closed = new CopyOnWriteArrayList<>();
    private final List<String> notices = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private ServerSocketChannel server;
    private SocketChannel client;
    private SocketChannel accepted;

    private final FindingSink sink = new FindingSink() {
        @Override
        public void record(Finding finding) {
            recorded.add(finding);
        }

        @Override
        public void closed(Endpoint endpoint) {
            closed.add(endpoint);
        }

        @Override
        public long minStallNanos() {
            return minStallNanos;
        }
    };
    /** The option's default; 0 where a test needs a finding for a fresh connection's short (quick-acked) hold. */
    private long minStallNanos = 1_000_000;

    private final FixNotices fixNotices = new FixNotices() {
        @Override
        public void nodelayRestored(Endpoint endpoint, List<StackTraceElement> stack) {
            notices.add("restored");
        }

        @Override
        public void coalesceFallback(Endpoint endpoint) {
            notices.add("fallback");
        }

        @Override
        public void corking(Endpoint endpoint) {
            notices.add("corking");
        }
    };

    @BeforeEach
    void connect() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        server = ServerSocketChannel.open().bind(new InetSocketAddress(loopback, 0));
        client = SocketChannel.open(server.getLocalAddress());
        accepted = server.accept();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {client, accepted, server}) {
            if (c != null) c.close();
        }
        assertTrue(failures.isEmpty(), "no handler failed: " + failures);
    }

    private Tracker tracker(Fixer fixer) throws Exception {
        return new Tracker(new Tracker.Settings(Profile.named("linux"), 0, 16), new Endpoints(), sink, clock::get,
                fixer, failures::add);
    }

    private Fixer fixer(boolean nodelay, boolean flaggedOnly) {
        return new Fixer(1, new FixPolicy(nodelay, false, flaggedOnly, List.of(), List.of(), MS, 0), null,
                new Fixer.Context(fixNotices, List::of, clock::get, null));
    }

    /** write, write, read on a connection first seen mid-life: its peer is taken to be interactive. */
    private void writeWriteRead(Tracker t) {
        writeWriteRead(t, client);
    }

    /** The same on {@code channel}: every connection's writes from the same call site (these lines). */
    private void writeWriteRead(Tracker t, SocketChannel channel) {
        t.written(channel, 100);
        clock.addAndGet(MS / 100);
        t.written(channel, 100);
        clock.addAndGet(MS / 100);
        t.channelReadStarting(channel);
        clock.addAndGet(45 * MS);
        t.readEnded(channel, 10);
    }

    /** Two writes of 65536 B and an answer {@code answerMs} after them: a burst whose held rest looks harmless. */
    private void bigBurst(Tracker t, double answerMs) {
        t.written(client, 65536);
        clock.addAndGet(MS / 100);
        t.written(client, 65536);
        t.channelReadStarting(client);
        clock.addAndGet((long) (answerMs * MS));
        t.readEnded(client, 200);
        clock.addAndGet(MS);
    }

    /** A stall only the wait showed, still waiting for a held write to name it, is reported at detach or exit. */
    @Test
    void aStallNotYetReportedIsRecordedWhenTheTrackerReportsLateStalls() throws Exception {
        Tracker t = tracker(Fixer.none());
        for (int i = 0; i < 4; i++) bigBurst(t, 0.1);
        bigBurst(t, 41);
        assertTrue(recorded.stream().noneMatch(f -> !f.outcome().predicted()), "not yet: " + recorded);
        t.reportLateStalls();
        assertEquals(1, recorded.stream().filter(f -> !f.outcome().predicted()).count(), recorded.toString());
        t.reportLateStalls();
        assertEquals(1, recorded.stream().filter(f -> !f.outcome().predicted()).count(), "once: " + recorded);
    }

    @Test
    void observeTurnsWriteWriteReadIntoAFindingAndChangesNothing() throws Exception {
        Tracker t = tracker(Fixer.none());
        writeWriteRead(t);
        assertEquals(1, recorded.size(), "one finding");
        Finding f = recorded.get(0);
        assertArrayEquals(new long[] {100, 100}, f.writes());
        assertTrue(f.outcome().prediction().stall());
        assertEquals(FixAction.NONE, f.action());
        assertEquals(Role.UNKNOWN, f.role(), "first seen in use");
        assertEquals(1, t.findings());
        assertEquals(1, t.connectionsTracked());
        assertFalse(client.getOption(StandardSocketOptions.TCP_NODELAY), "observe sets nothing");
    }

    @Test
    void closingForgetsTheConnectionAndTellsTheSink() throws Exception {
        Tracker t = tracker(Fixer.none());
        t.opened(client, -1);
        assertEquals(1, t.connectionsOpen());
        t.closing(client);
        assertEquals(0, t.connectionsOpen());
        assertEquals(1, closed.size());
    }

    @Test
    void nodelayModeSetsNodelayAtFirstSightAndGivesItBackOnRelease() throws Exception {
        minStallNanos = 0;   // a fresh connection: its peer quick-acks, so the hold is one round trip
        Tracker t = tracker(fixer(true, false));
        t.opened(client, -1);
        assertTrue(client.getOption(StandardSocketOptions.TCP_NODELAY));
        writeWriteRead(t);
        assertEquals(FixAction.NODELAY, recorded.get(0).action(), "the finding says the stall was avoided");
        t.release();
        assertFalse(client.getOption(StandardSocketOptions.TCP_NODELAY), "the application's own setting is back");
    }

    /**
     * A dedicated reader thread (message brokers), or an NIO loop that reads until nothing comes before it writes:
     * the read is already waiting when the burst is written. The stall is predicted then, and fixed then.
     */
    @Test
    void scopeFlaggedFixesAStallWhoseReadStartedBeforeTheBurst() throws Exception {
        Tracker t = tracker(fixer(true, true));
        t.channelReadStarting(client);               // the reader waits first
        clock.addAndGet(MS);
        t.written(client, 100);
        clock.addAndGet(MS / 100);
        assertFalse(client.getOption(StandardSocketOptions.TCP_NODELAY), "one write: nothing held");
        t.written(client, 100);                      // held, and the waiting read now waits for it
        assertTrue(client.getOption(StandardSocketOptions.TCP_NODELAY), "flagged by the write, not a later read");
    }

    /** A new connection per exchange (FTP's data connections, a churning pool) is fixed before it stalls. */
    @Test
    void scopeFlaggedRemembersTheRemoteAndTheCallSiteForLaterConnections() throws Exception {
        Tracker t = tracker(fixer(true, true));
        writeWriteRead(t);
        assertTrue(client.getOption(StandardSocketOptions.TCP_NODELAY), "flagged");
        try (SocketChannel sameRemote = SocketChannel.open(server.getLocalAddress());
             SocketChannel ignored = server.accept();
             ServerSocketChannel otherServer = ServerSocketChannel.open().bind(
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel sameSite = SocketChannel.open(otherServer.getLocalAddress());
             SocketChannel ignoredToo = otherServer.accept()) {
            t.written(sameRemote, 10);
            assertTrue(sameRemote.getOption(StandardSocketOptions.TCP_NODELAY), "to a flagged remote: at first sight");
            writeWriteRead(t, sameSite);
            assertTrue(sameSite.getOption(StandardSocketOptions.TCP_NODELAY), "from a flagged call site");
            assertEquals(FixAction.NODELAY_REMEMBERED, recorded.get(recorded.size() - 1).action(),
                    "the report says why: " + recorded);
        }
    }

    @Test
    void scopeFlaggedFixesAConnectionAtItsFirstPredictedStallOnly() throws Exception {
        Tracker t = tracker(fixer(true, true));
        t.written(client, 100);   // first seen mid-life: its peer is interactive, so the stall can be predicted
        assertFalse(client.getOption(StandardSocketOptions.TCP_NODELAY), "not flagged yet");
        t.written(client, 100);
        t.channelReadStarting(client);
        assertTrue(client.getOption(StandardSocketOptions.TCP_NODELAY), "flagged by its predicted stall");
    }

    @Test
    void turningNodelayOffUnderNodelayModeIsUndoneAndSaid() throws Exception {
        Tracker t = tracker(fixer(true, false));
        t.opened(client, -1);
        client.setOption(StandardSocketOptions.TCP_NODELAY, false);
        t.nodelaySet(client, false);
        assertTrue(client.getOption(StandardSocketOptions.TCP_NODELAY));
        assertEquals(List.of("restored"), notices);
    }

    @Test
    void aNewFixerTakesOverTheConnectionsAtTheirNextEvent() throws Exception {
        Tracker nodelay = tracker(fixer(true, false));
        nodelay.opened(client, -1);
        assertTrue(client.getOption(StandardSocketOptions.TCP_NODELAY));
        Tracker observe = nodelay.withFixer(nodelay.fixer().next(FixPolicy.none(), null));
        assertEquals(1, observe.connectionsTracked(), "the same connections");
        observe.written(client, 10);
        assertFalse(client.getOption(StandardSocketOptions.TCP_NODELAY), "given back at its next event");
    }

    @Test
    void findingsSayWhichEndTheApplicationIs() throws Exception {
        minStallNanos = 0;   // fresh connections: their peers quick-ack, so each hold is one round trip
        Tracker t = tracker(Fixer.none());
        t.accepted(accepted);
        t.opened(client, -1);
        for (SocketChannel end : List.of(accepted, client)) {
            t.written(end, 100);
            t.written(end, 100);
            t.channelReadStarting(end);
            clock.addAndGet(MS);
            t.readEnded(end, 10);
        }
        assertEquals(2, recorded.size(), "the second write of each burst was held: " + recorded);
        assertEquals(Role.SERVER, recorded.get(0).role(), "the accepted end");
        assertEquals(Role.CLIENT, recorded.get(1).role(), "the connected end");
    }

    /** An event that entered under the old options may finish after a change: it must not undo the new fix. */
    @Test
    void anEarlierFixerCannotTakeAConnectionBackFromALaterOne() throws Exception {
        Tracker observeFirst = tracker(Fixer.none());
        Fixer nodelay = observeFirst.fixer().next(new FixPolicy(true, false, false, List.of(), List.of(), MS, 0),
                null);
        Tracker later = observeFirst.withFixer(nodelay);
        later.written(client, 10);
        assertTrue(client.getOption(StandardSocketOptions.TCP_NODELAY), "set up by the later fixer");
        observeFirst.written(client, 10);
        assertTrue(client.getOption(StandardSocketOptions.TCP_NODELAY), "the earlier one did not let it go");
        assertEquals(FixAction.NODELAY, recordedActionAfterOneMoreBurst(later));
    }

    private FixAction recordedActionAfterOneMoreBurst(Tracker t) {
        writeWriteRead(t);
        return recorded.get(recorded.size() - 1).action();
    }

    /** The path's first round-trip estimate: each rule of {@link Tracker.FirstRtt}. */
    @Test
    void aConnectTakesAboutOneRoundTripOfThePath() {
        assertFirst(20 * MS, RttEstimate.Source.CONNECT, false, -1, 20 * MS, -1, "a 20 ms connect: a 20 ms path");
        assertFirst(MS, RttEstimate.Source.GUESS, false, -1, -1, -1, "unknown (accepted, or seen later): 1 ms");
        assertFirst(MS, RttEstimate.Source.GUESS, false, -1, 3_000 * MS, -1, "a connect that lost its SYN: nothing");
        assertFirst(50_000, RttEstimate.Source.LOOPBACK, true, -1, 20 * MS, -1, "loopback's round trip is known");
    }

    @Test
    void whatAnEarlierConnectionToThePeerLearntIsABoundToo() {
        assertFirst(MS / 5, RttEstimate.Source.PATH, false, -1, 2 * MS, MS / 5,
                "a connect a busy JVM made slow: the remembered path is faster");
        assertFirst(20 * MS, RttEstimate.Source.CONNECT, false, -1, 20 * MS, 25 * MS, "the connect is faster");
        assertFirst(25 * MS, RttEstimate.Source.GUESS, false, -1, -1, 25 * MS,
                "an accepted connection: a better guess than 1 ms, but no bound (a NAT's clients share an address)");
        assertFirst(25 * MS, RttEstimate.Source.GUESS, false, -1, 3_000 * MS, 25 * MS,
                "a connect that lost its SYN: the same");
        assertFirst(50_000, RttEstimate.Source.LOOPBACK, true, -1, 20 * MS, MS, "loopback's is known");
    }

    @Test
    void theKernelsHandshakeRoundTripIsTheFirstBoundWhereItWasAsked() {
        assertFirst(20 * MS, RttEstimate.Source.KERNEL, false, 20 * MS, 30 * MS, -1, "the kernel's, not the connect's");
        assertFirst(MS / 4, RttEstimate.Source.PATH, false, MS, 2 * MS, MS / 4,
                "a handshake that met a busy path: the remembered one");
        assertFirst(MS, RttEstimate.Source.KERNEL, false, MS, 2 * MS, 3 * MS, "the kernel's is faster");
        assertFirst(MS, RttEstimate.Source.KERNEL, false, MS, -1, MS / 4,
                "accepted: the kernel's, never an address's figure");
        assertFirst(MS, RttEstimate.Source.KERNEL, false, MS, 3_000 * MS, MS / 4,
                "a connect that lost its SYN is no connect: the kernel's");
        assertFirst(50_000, RttEstimate.Source.LOOPBACK, true, MS, -1, -1, "loopback's is known");
    }

    private static void assertFirst(long nanos, RttEstimate.Source source, boolean loopback, long kernelNanos,
                                    long connectNanos, long rememberedNanos, String why) {
        assertEquals(new Tracker.FirstRtt(nanos, source),
                Tracker.FirstRtt.of(loopback, kernelNanos, connectNanos, rememberedNanos), why);
    }

    @Test
    void aListenerIsNotTracked() throws Exception {
        Tracker t = tracker(Fixer.none());
        t.opened(server, -1);
        assertEquals(0, t.connectionsTracked());
    }
}
