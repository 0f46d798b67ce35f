package dev.tinygram.it.fleet;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A loopback port free a moment ago, for a server in a child process that must be told its port up front (the JMX
 * exporter, Prometheus, a JMX connector). Another process could take it in between; the ports the kernel hands out
 * rotate, so that is rare, and a test that meets it fails saying the port was in use.
 */
public final class FreePort {
    private FreePort() {}

    public static int loopback() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }
}
