package dev.tinygram.conn;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

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

    // equals and hashCode spelled out: the generated ones link through ObjectMethods at first use, on an
    // application thread (a finding's report key hashes the endpoint)
    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint e && api == e.api && nodelay == e.nodelay && Objects.equals(local, e.local)
                && Objects.equals(remote, e.remote);
    }

    @Override
    public int hashCode() {
        return Objects.hash(api, local, remote, nodelay);
    }

    public boolean loopback() {
        return remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
    }
}
