package dev.tinygram.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The connections by socket, and the cache of recent ones in front of the map. */
class ConnectionsTest {

    private static Tracked trackedFor(Object socket) {
        return new Tracked(socket, null, null);
    }

    @Test
    void manySocketsSharingSlotsEachFindTheirOwnState() {
        Connections c = new Connections();
        List<Object> sockets = new ArrayList<>();
        List<Tracked> states = new ArrayList<>();
        int n = Connections.RECENT_SLOTS * 4;   // every slot shared by several sockets
        for (int i = 0; i < n; i++) {
            Object socket = new Object();
            sockets.add(socket);
            states.add(c.add(socket, trackedFor(socket)));
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < n; i++) {
                assertSame(states.get(i), c.get(sockets.get(i)), "socket " + i + ", round " + round);
            }
        }
        assertEquals(n, c.tracked());
    }

    @Test
    void aClosedSocketIsNotFoundInTheCache() {
        Connections c = new Connections();
        Object socket = new Object();
        Tracked t = c.add(socket, trackedFor(socket));
        assertSame(t, c.get(socket), "found, and now cached");
        assertSame(t, c.remove(socket));
        assertNull(c.get(socket), "gone from the cache as from the map");
    }

    @Test
    void aClosedConnectionsStateNamesNoSocketEvenIfARacingLookUpCachesItAgain() {
        Connections c = new Connections();
        Object socket = new Object();
        Tracked t = c.add(socket, trackedFor(socket));
        assertTrue(t.isOf(socket));
        c.remove(socket);
        assertFalse(t.isOf(socket), "a look-up that read it from the map before the close cannot hit it after");
    }

    @Test
    void aSocketThatIsNeverTcpIsAnsweredSo() {
        Connections c = new Connections();
        Object unixSocket = new Object();
        c.neverTcp(unixSocket);
        assertSame(Tracked.NOT_TCP, c.get(unixSocket));
        assertSame(Tracked.NOT_TCP, c.get(unixSocket));
    }

    @Test
    void theCacheNeverKeepsASocketAlive() throws InterruptedException {
        Connections c = new Connections();
        WeakReference<Object> collected = addAndLookUp(c);
        for (int i = 0; i < 50 && collected.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(collected.get(), "a socket dropped without a close is collected, cached or not");
        assertTrue(c.open() <= 1);
    }

    private static WeakReference<Object> addAndLookUp(Connections c) {
        Object socket = new Object();
        c.add(socket, trackedFor(socket));
        c.get(socket);   // now in the cache too
        return new WeakReference<>(socket);
    }
}
