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
 *
 * <p>In front of the map, a small direct-mapped cache of the connections used last, by identity hash: every write
 * of a stream looks its connection up, and a hit costs a few loads where the map's look-up costs a hash, a key
 * object and a weak reference's compare. Its slots are written without a lock; a {@link Tracked} is immutable and
 * safely published by its final fields, so a racing reader sees a whole one or the one before. A hit is checked
 * against the tracked socket's weak reference, so the cache never keeps a socket alive (its cleaner closes the
 * descriptor of an unreachable one); it may keep up to {@value #RECENT_SLOTS} tracked states of collected sockets
 * until their slots are reused.
 */
final class Connections {
    static final int RECENT_SLOTS = 256;

    private final WeakConcurrentMap<Object, Tracked> bySocket = new WeakConcurrentMap<>(false, false);
    private final Tracked[] recent = new Tracked[RECENT_SLOTS];
    private final AtomicLong tracked = new AtomicLong();
    private final AtomicLong findings = new AtomicLong();

    Tracked get(Object socket) {
        int slot = slot(socket);
        Tracked t = recent[slot];
        if (t != null && t.isOf(socket)) return t;
        t = bySocket.get(socket);
        if (t != null && t != Tracked.NOT_TCP) recent[slot] = t;
        return t;
    }

    private static int slot(Object socket) {
        return System.identityHashCode(socket) & (RECENT_SLOTS - 1);
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
        // A get that found t in the map just before may still write it into its slot: t then names no socket
        // any more, so that slot can never answer for this one.
        if (t != null) t.forget();
        int slot = slot(socket);
        if (t != null && recent[slot] == t) recent[slot] = null;   // by identity: forgotten, it is no socket's
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
