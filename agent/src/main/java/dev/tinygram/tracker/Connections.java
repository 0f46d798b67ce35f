package dev.tinygram.tracker;

import com.blogspot.mydailyjava.weaklockfree.WeakConcurrentMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Every connection tinygram tracks, by the JDK's socket object, in a weak identity map so that state dies with
 * the socket. Outlives a change of options: each new {@link Tracker} takes over the same connections.
 *
 * <p>No cleaner thread, and no thread-local lookup key or expunction on every get (the inlined variant's cost on
 * each intercepted call): state of sockets collected without a close is expunged when a connection is added or
 * closed.
 */
final class Connections {
    private final WeakConcurrentMap<Object, Tracked> bySocket = new WeakConcurrentMap<>(false, false);
    private final AtomicLong tracked = new AtomicLong();
    private final AtomicLong findings = new AtomicLong();

    Tracked get(Object socket) {
        return bySocket.get(socket);
    }

    /** Adds {@code t} unless another thread was first; returns the one that is in the map. */
    Tracked add(Object socket, Tracked t) {
        bySocket.expungeStaleEntries();
        Tracked raced = bySocket.putIfAbsent(socket, t);
        if (raced != null) return raced;
        if (t != Tracked.NOT_TCP) tracked.incrementAndGet();
        return t;
    }

    /** Remembers that {@code socket} will never be a TCP connection. */
    void neverTcp(Object socket) {
        bySocket.put(socket, Tracked.NOT_TCP);
    }

    Tracked remove(Object socket) {
        Tracked t = bySocket.remove(socket);
        bySocket.expungeStaleEntries();
        return t;
    }

    /** Each tracked connection with its socket. */
    void forEach(BiConsumer<Object, Tracked> action) {
        for (Map.Entry<Object, Tracked> e : bySocket) {
            if (e.getValue() != Tracked.NOT_TCP) action.accept(e.getKey(), e.getValue());
        }
    }

    void findingRecorded() {
        findings.incrementAndGet();
    }

    long findings() {
        return findings.get();
    }

    long tracked() {
        return tracked.get();
    }

    /** Connections in the map now (closed and collected ones drop out). */
    long open() {
        long n = 0;
        for (Map.Entry<Object, Tracked> e : bySocket) {
            if (e.getValue() != Tracked.NOT_TCP) n++;
        }
        return n;
    }
}
