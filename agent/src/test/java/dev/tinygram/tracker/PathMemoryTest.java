package dev.tinygram.tracker;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The rules of {@link PathMemory}, one test each, as its class comment lists them. */
class PathMemoryTest {
    private static final long MS = 1_000_000L;
    private static final long MINUTE = 60_000 * MS;

    private static InetAddress peer(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {10, 77, 0, (byte) last});
    }

    @Test
    void aBoundIsKeptUntilAFasterOneComesOrItAges() throws Exception {
        PathMemory m = new PathMemory();
        m.remember(peer(2), 20 * MS, 0);
        assertEquals(20 * MS, m.boundFor(peer(2), MINUTE));
        m.remember(peer(2), 30 * MS, MINUTE);
        assertEquals(20 * MS, m.boundFor(peer(2), MINUTE), "a slower bound does not replace a fresh faster one");
        m.remember(peer(2), 19 * MS, 2 * MINUTE);
        assertEquals(19 * MS, m.boundFor(peer(2), 2 * MINUTE), "a faster one does");
        assertEquals(19 * MS, m.boundFor(peer(2), 12 * MINUTE), "still fresh at its maximum age");
        assertEquals(-1, m.boundFor(peer(2), 12 * MINUTE + 1), "older than that: nothing");
        m.remember(peer(2), 45 * MS, 13 * MINUTE);
        assertEquals(45 * MS, m.boundFor(peer(2), 13 * MINUTE), "after it aged, the next replaces it, slower or not");
    }

    @Test
    void aSlowerBoundDoesNotRefreshAFasterOnesAge() throws Exception {
        PathMemory m = new PathMemory();
        m.remember(peer(2), 20 * MS, 0);
        m.remember(peer(2), 30 * MS, 9 * MINUTE);
        assertEquals(-1, m.boundFor(peer(2), 10 * MINUTE + 1), "aged from when the fast one was remembered");
        m.remember(peer(2), 20 * MS, 11 * MINUTE);
        m.remember(peer(2), 20 * MS, 12 * MINUTE);
        assertEquals(20 * MS, m.boundFor(peer(2), 21 * MINUTE + 1), "an equal one does refresh it");
    }

    @Test
    void eachPeerHasItsOwn() throws Exception {
        PathMemory m = new PathMemory();
        m.remember(peer(2), 20 * MS, 0);
        m.remember(peer(3), 2 * MS, 0);
        assertEquals(20 * MS, m.boundFor(peer(2), 0));
        assertEquals(2 * MS, m.boundFor(peer(3), 0));
        assertEquals(-1, m.boundFor(peer(4), 0), "a peer never seen");
    }

    @Test
    void itHoldsTheAddressesUsedLast() throws Exception {
        PathMemory m = new PathMemory();
        for (int i = 0; i < PathMemory.CAPACITY; i++) {
            m.remember(InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8), (byte) i}), MS + i, 0);
        }
        InetAddress first = InetAddress.getByAddress(new byte[] {10, 1, 0, 0});
        InetAddress second = InetAddress.getByAddress(new byte[] {10, 1, 0, 1});
        assertEquals(MS, m.boundFor(first, 0), "used now: the last one used");
        m.remember(peer(9), 5 * MS, 0);
        assertEquals(PathMemory.CAPACITY, m.size(), "bounded");
        assertEquals(MS, m.boundFor(first, 0), "kept: it was used since");
        assertEquals(-1, m.boundFor(second, 0), "the least recently used one went");
        assertEquals(5 * MS, m.boundFor(peer(9), 0));
    }

    @Test
    void noBoundIsRememberedAsNothing() throws Exception {
        PathMemory m = new PathMemory();
        m.remember(peer(2), -1, 0);
        m.remember(null, 20 * MS, 0);
        assertEquals(0, m.size());
        m.remember(peer(2), 20 * MS, 0);
        m.remember(peer(2), -1, MINUTE);
        assertEquals(20 * MS, m.boundFor(peer(2), MINUTE), "a later connection without a bound changes nothing");
        assertEquals(-1, m.boundFor(null, 0));
    }
}
