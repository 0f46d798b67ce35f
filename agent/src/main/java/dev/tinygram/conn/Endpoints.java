package dev.tinygram.conn;

import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketOptions;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a connection's addresses and TCP_NODELAY through JDK APIs, and derives the MSS from the MTU of the
 * interface that carries it. Socket impls keep their addresses in protected fields of {@link java.net.SocketImpl};
 * the agent has java.net opened to it for exactly those three fields.
 */
public final class Endpoints {
    /** IPv4 + TCP headers, and the 12 bytes of TCP timestamps Linux puts on every segment. */
    private static final int IPV4_OVERHEAD = 20 + 20 + 12;
    private static final int IPV6_OVERHEAD = 40 + 20 + 12;
    private static final int MAX_IP_PACKET = 65535;
    private static final int FALLBACK_MSS = 1448;

    private final Field implAddress;
    private final Field implPort;
    private final Field implLocalPort;
    private final ConcurrentHashMap<InetAddress, Integer> mssByLocalAddress = new ConcurrentHashMap<>();

    public Endpoints() throws ReflectiveOperationException {
        Class<?> socketImpl = Class.forName("java.net.SocketImpl");
        implAddress = accessible(socketImpl.getDeclaredField("address"));
        implPort = accessible(socketImpl.getDeclaredField("port"));
        implLocalPort = accessible(socketImpl.getDeclaredField("localport"));
    }

    /** The endpoint of a NioSocketImpl or a SocketChannelImpl, or null if it is not a connected TCP socket. */
    public Endpoint of(Object connection) throws Exception {
        if (connection instanceof SocketChannel) return ofChannel((SocketChannel) connection);
        if (connection instanceof SocketOptions) return ofSocketImpl(connection);
        return null;
    }

    /** A connected channel whose peer is not an IP address (Unix domain): it will never be tracked. */
    public boolean neverTcp(Object connection) throws Exception {
        if (!(connection instanceof SocketChannel)) return false;
        SocketAddress remote = ((SocketChannel) connection).getRemoteAddress();
        return remote != null && !(remote instanceof InetSocketAddress);
    }

    private Endpoint ofChannel(SocketChannel channel) throws Exception {
        SocketAddress remote = channel.getRemoteAddress();
        SocketAddress local = channel.getLocalAddress();
        if (!(remote instanceof InetSocketAddress) || !(local instanceof InetSocketAddress)) return null;
        return new Endpoint(Api.CHANNEL, (InetSocketAddress) local, (InetSocketAddress) remote,
                channel.getOption(StandardSocketOptions.TCP_NODELAY));
    }

    private Endpoint ofSocketImpl(Object impl) throws Exception {
        InetAddress remoteAddress = (InetAddress) implAddress.get(impl);
        if (remoteAddress == null) return null;   // a listener, or not connected yet
        SocketOptions options = (SocketOptions) impl;
        InetAddress localAddress = (InetAddress) options.getOption(SocketOptions.SO_BINDADDR);
        Object nodelay = options.getOption(SocketOptions.TCP_NODELAY);
        return new Endpoint(Api.SOCKET, new InetSocketAddress(localAddress, implLocalPort.getInt(impl)),
                new InetSocketAddress(remoteAddress, implPort.getInt(impl)), Boolean.TRUE.equals(nodelay));
    }

    /** The MSS of the interface that owns {@code local}: its MTU less IP, TCP and timestamp headers. */
    public int mss(InetSocketAddress local) {
        InetAddress address = local.getAddress();
        if (address == null) return FALLBACK_MSS;
        return mssByLocalAddress.computeIfAbsent(address, Endpoints::mssOfInterface);
    }

    static int mssFromMtu(int mtu, boolean ipv6) {
        return Math.min(mtu, MAX_IP_PACKET) - (ipv6 ? IPV6_OVERHEAD : IPV4_OVERHEAD);
    }

    private static int mssOfInterface(InetAddress address) {
        try {
            NetworkInterface nic = NetworkInterface.getByInetAddress(address);
            if (nic == null && address.isLoopbackAddress()) nic = NetworkInterface.getByName("lo");
            if (nic == null) return FALLBACK_MSS;
            int mtu = nic.getMTU();
            return mtu > 0 ? mssFromMtu(mtu, address instanceof java.net.Inet6Address) : FALLBACK_MSS;
        } catch (Exception e) {
            return FALLBACK_MSS;
        }
    }

    private static Field accessible(Field field) {
        field.setAccessible(true);
        return field;
    }
}
