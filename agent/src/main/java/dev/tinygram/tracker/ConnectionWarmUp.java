package dev.tinygram.tracker;

import dev.tinygram.conn.Endpoint;
import dev.tinygram.conn.Endpoints;
import dev.tinygram.fix.Fixer;
import dev.tinygram.observe.Finding;
import dev.tinygram.observe.FindingSink;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A connection's path through the tracker, run once on the agent's warm-up thread: tracking at first sight, the
 * model, a write-write-read with its prediction, a stream past the lock, a close. Otherwise the application's
 * first connection loads and links all of it inside its first request (the bench measured that request at 2.4 ms
 * without the agent and 6.7 ms with it). A tracker of its own, never installed, with a sink that drops every
 * finding and a clock of its own: nothing is logged, reported or counted, and the hooks' sink is not touched.
 * The connection is a real loopback channel, which carries no byte: the tracker is only told of events.
 */
public final class ConnectionWarmUp {
    private static final byte[] REQUEST_PART = new byte[100];
    /** More than a burst takes to become a stream, so that its writes are summed past the lock too. */
    private static final int STREAM_WRITES = 200;
    private static final int TIMEOUT_MILLIS = 2_000;

    private ConnectionWarmUp() {}

    /**
     * Runs it; the caller runs it as the agent's ({@code TinygramBridge.runAsAgent}), so no hook sees it. Returns
     * the connections it tracked and the findings it made and dropped, for a test to see that it ran the path.
     */
    public static Ran run(Tracker.Settings settings) throws IOException, ReflectiveOperationException {
        long[] now = {System.nanoTime()};
        int[] findings = {0};
        FindingSink dropped = new FindingSink() {
            @Override
            public void record(Finding finding) {
                finding.callSite();   // formatted as a real one would be, then dropped
                findings[0]++;
            }

            @Override
            public long minStallNanos() {
                return 1_000_000;
            }

            @Override
            public void closed(Endpoint endpoint) {}
        };
        // Called directly, not through the bridge: a failure is thrown to the caller, never given to onFailure.
        Tracker tracker = new Tracker(settings, new Endpoints(), dropped, () -> now[0] += 10_000, Fixer.none(),
                error -> {});
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocketChannel server = ServerSocketChannel.open(); SocketChannel client = SocketChannel.open()) {
            server.bind(new InetSocketAddress(loopback, 0), 1);
            // Bounded, should loopback be filtered: the warm-up then gives up, and the first connection pays.
            server.socket().setSoTimeout(TIMEOUT_MILLIS);
            client.socket().connect(server.getLocalAddress(), TIMEOUT_MILLIS);
            try (SocketChannel accepted = server.socket().accept().getChannel()) {
                tracker.opened(client, 50_000);
                tracker.accepted(accepted);
                for (int round = 0; round < 3; round++) {
                    tracker.writing(client, REQUEST_PART, 0, REQUEST_PART.length);
                    tracker.written(client, REQUEST_PART.length);
                    tracker.readStarting(client);
                    tracker.readEnded(client, 1);
                    tracker.channelReadStarting(accepted);
                    tracker.readEnded(accepted, 2 * REQUEST_PART.length);
                }
                for (int i = 0; i < STREAM_WRITES; i++) tracker.written(client, 80);
                tracker.readStarting(client);
                tracker.readEnded(client, 1);
                tracker.closing(client);
                tracker.closing(accepted);
            }
        }
        return new Ran(tracker.connectionsTracked(), findings[0]);
    }

    /** What a run went through. */
    public record Ran(long connections, int findings) {}
}
