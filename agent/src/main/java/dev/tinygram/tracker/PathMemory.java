package dev.tinygram.tracker;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What closed connections the JVM made learnt of each peer's path, for the next connection to the same address: the
 * fastest round-trip bound one of them measured, kept for {@link #MAX_AGE_NANOS}. Linux keeps a destination's RTT
 * past a connection too ({@code tcp_metrics}), though it only lets it raise a new connection's first retransmission
 * timeout; here the figure is a bound, and the estimate is the fastest bound, so it may lower it.
 *
 * <p>Why: a connection's own first bound is its connect time, which a busy or cold JVM inflates. A connection that
 * stalls on every request learns little after that: its answers include the hold, so it takes them only when they
 * are faster (see {@code RttEstimate}). Its predicted holds then stay as long as its connect was slow. An earlier
 * connection to the same host that got plain answers knows the path better. Where the JVM did not connect (an
 * accepted connection) the remembered figure is only a guess ({@code Tracker.FirstRtt}): clients behind one NAT
 * share an address, not a path.
 *
 * <p>The rules, each pinned by a test in {@code PathMemoryTest}:
 * <ul>
 *   <li>a bound is kept until a faster one comes, or until it is older than {@link #MAX_AGE_NANOS}; then the next
 *       one replaces it, faster or not, so a path that got slower is learnt again;</li>
 *   <li>a slower bound does not refresh a faster one's age;</li>
 *   <li>at most {@value #CAPACITY} addresses, the ones used last;</li>
 *   <li>no bound (-1: loopback, a guess no answer replaced, or only an inherited bound) is remembered as
 *       nothing.</li>
 * </ul>
 *
 * <p>Thread-safe. It is touched when a connection is first seen and when it closes, never per read or write.
 */
final class PathMemory {
    static final int CAPACITY = 1024;
    static final long MAX_AGE_NANOS = TimeUnit.MINUTES.toNanos(10);

    private record Bound(long nanos, long since) {
        boolean freshAt(long now) {
            return now - since <= MAX_AGE_NANOS;
        }
    }

    private final Map<InetAddress, Bound> byPeer = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Bound> eldest) {
            return size() > CAPACITY;
        }
    };

    /** A connection to {@code peer} closed at {@code now}, its path's fastest recent bound {@code nanos}. */
    synchronized void remember(InetAddress peer, long nanos, long now) {
        if (peer == null || nanos <= 0) return;
        Bound known = byPeer.get(peer);
        if (known == null || !known.freshAt(now) || nanos <= known.nanos()) byPeer.put(peer, new Bound(nanos, now));
    }

    /** The round-trip bound remembered for {@code peer} at {@code now}, or -1 if none is fresh. */
    synchronized long boundFor(InetAddress peer, long now) {
        Bound known = peer == null ? null : byPeer.get(peer);
        return known != null && known.freshAt(now) ? known.nanos() : -1;
    }

    synchronized int size() {
        return byPeer.size();
    }
}
