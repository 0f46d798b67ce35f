package dev.tinygram.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;

/** Loopback socket helpers. Nagle is left at its default (on): nothing here calls setTcpNoDelay. */
final class Net {
    static final int CONNECT_TIMEOUT_MS = 5_000;
    static final int READ_TIMEOUT_MS = 15_000;

    private Net() {
    }

    static InetAddress loopback() {
        try {
            return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server socket on 127.0.0.1 and an ephemeral port. */
    static ServerSocket listen() throws IOException {
        return new ServerSocket(0, 128, loopback());
    }

    static InetSocketAddress address(int port) {
        return new InetSocketAddress(loopback(), port);
    }

    /** A connected blocking client socket with a read timeout; Nagle stays on. */
    static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address(port), CONNECT_TIMEOUT_MS);
            s.setSoTimeout(READ_TIMEOUT_MS);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }
}
