package dev.tinygram.observe;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * What tinygram needs to know of a connection when it first sees it.
 *
 * @param api     the API it is used through
 * @param local   the local address
 * @param remote  the peer's address
 * @param nodelay TCP_NODELAY at first sight
 */
public record Endpoint(Api api, InetSocketAddress local, InetSocketAddress remote, boolean nodelay) {

    /** {@code host:port} with a numeric host: never a DNS lookup on the app's thread. */
    public static String text(InetSocketAddress address) {
        if (address == null) return "?";
        InetAddress ip = address.getAddress();
        String host = ip == null ? address.getHostString() : ip.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    public boolean loopback() {
        return remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
    }
}
