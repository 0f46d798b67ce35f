package dev.tinygram.it;

import dev.tinygram.it.apps.LabPeer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link LabPeer} in the test's own JVM (no agent), on loopback: it answers each request with one byte once it
 * has all of it, with TCP_NODELAY on. Closing it closes every connection it accepted.
 */
final class LocalPeer implements AutoCloseable {
    private final ServerSocket server = new ServerSocket();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final boolean quickack;

    LocalPeer() throws IOException {
        this(false);
    }

    /** With {@code quickack}, a peer that never delays its ACK ({@link LabPeer#serve(Socket, boolean)}). */
    LocalPeer(boolean quickack) throws IOException {
        this.quickack = quickack;
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        Thread acceptor = new Thread(this::acceptAll, "local-peer");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptAll() {
        try {
            while (true) {
                Socket s = server.accept();
                accepted.add(s);
                Thread t = new Thread(() -> LabPeer.serve(s, quickack), "local-peer-" + s.getPort());
                t.setDaemon(true);
                t.start();
            }
        } catch (IOException closed) {
            // close() ends it
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : accepted) s.close();
    }
}
