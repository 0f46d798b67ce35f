package dev.tinygram.hooks;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The JDK methods tinygram hooks, keyed by the first JDK feature release each table applies to. A JDK that
 * moves a method gets a new table from its release on; the self-test tells when a table no longer fits.
 *
 * <p>The JDK 17 table is verified on 17 and 25: {@code NioSocketImpl.implRead} changed its signature in
 * between, which is why the hooks sit one level up, on {@code read} and {@code write}, which did not.
 */
public final class HookTargets {
    private static final String SOCKET_IMPL = "sun.nio.ch.NioSocketImpl";
    private static final String CHANNEL_IMPL = "sun.nio.ch.SocketChannelImpl";
    private static final String SERVER_CHANNEL_IMPL = "sun.nio.ch.ServerSocketChannelImpl";
    private static final String SELECTOR_IMPL = "sun.nio.ch.SelectorImpl";

    private static final List<HookTarget> FROM_JDK_17 = List.of(
            // java.net.Socket, and SSLSocket and the socket() of a channel-less Socket over it
            new HookTarget("socket", SOCKET_IMPL, "write", "([BII)V", SocketWriteAdvice.class),
            new HookTarget("socket", SOCKET_IMPL, "read", "([BII)I", SocketReadAdvice.class),
            new HookTarget("socket", SOCKET_IMPL, "setOption", "(ILjava/lang/Object;)V",
                    LegacyNodelayOptionAdvice.class),
            new HookTarget("socket", SOCKET_IMPL, "setOption", "(Ljava/net/SocketOption;Ljava/lang/Object;)V",
                    NodelayOptionAdvice.class),
            new HookTarget("socket", SOCKET_IMPL, "connect", "(Ljava/net/SocketAddress;I)V", OpenAdvice.class),
            new HookTarget("socket", SOCKET_IMPL, "accept", "(Ljava/net/SocketImpl;)V", SocketAcceptAdvice.class),
            new HookTarget("socket", SOCKET_IMPL, "shutdownOutput", "()V", ShutdownOutputAdvice.class),
            new HookTarget("socket", SOCKET_IMPL, "close", "()V", CloseAdvice.class),
            // java.nio.channels.SocketChannel, and the streams of its socket() adaptor
            new HookTarget("channel", CHANNEL_IMPL, "write", "(Ljava/nio/ByteBuffer;)I", ChannelWriteAdvice.class),
            new HookTarget("channel", CHANNEL_IMPL, "write", "([Ljava/nio/ByteBuffer;II)J",
                    ChannelGatheringWriteAdvice.class),
            new HookTarget("channel", CHANNEL_IMPL, "read", "(Ljava/nio/ByteBuffer;)I", ChannelReadAdvice.class),
            new HookTarget("channel", CHANNEL_IMPL, "read", "([Ljava/nio/ByteBuffer;II)J",
                    ChannelScatteringReadAdvice.class),
            new HookTarget("channel", CHANNEL_IMPL, "blockingRead", "([BIIJ)I", SocketReadAdvice.class),
            new HookTarget("channel", CHANNEL_IMPL, "blockingWriteFully", "([BII)V", SocketWriteAdvice.class),
            new HookTarget("channel", CHANNEL_IMPL, "setOption",
                    "(Ljava/net/SocketOption;Ljava/lang/Object;)Ljava/nio/channels/SocketChannel;",
                    NodelayOptionAdvice.class),
            new HookTarget("channel", CHANNEL_IMPL, "connect", "(Ljava/net/SocketAddress;)Z",
                    ChannelConnectAdvice.class),
            new HookTarget("channel", CHANNEL_IMPL, "finishConnect", "()Z", ChannelFinishConnectAdvice.class),
            new HookTarget("channel", CHANNEL_IMPL, "blockingConnect", "(Ljava/net/SocketAddress;J)V",
                    OpenAdvice.class),
            new HookTarget("channel", CHANNEL_IMPL, "shutdownOutput", "()Ljava/nio/channels/SocketChannel;",
                    ShutdownOutputAdvice.class),
            new HookTarget("channel", CHANNEL_IMPL, "implCloseSelectableChannel", "()V", CloseAdvice.class),
            new HookTarget("channel", SERVER_CHANNEL_IMPL, "finishAccept",
                    "(Ljava/io/FileDescriptor;Ljava/net/SocketAddress;)Ljava/nio/channels/SocketChannel;",
                    ChannelAcceptAdvice.class),
            // an explicit flush of a socket's stream: socket streams inherit OutputStream's empty flush
            new HookTarget("stream", "java.io.OutputStream", "flush", "()V", StreamFlushAdvice.class),
            // an NIO app waits for its answer in select
            new HookTarget("selector", SELECTOR_IMPL, "lockAndDoSelect", "(Ljava/util/function/Consumer;J)I",
                    SelectAdvice.class));

    private static final NavigableMap<Integer, List<HookTarget>> BY_FIRST_JDK = new TreeMap<>(Map.of(
            17, FROM_JDK_17));

    private HookTargets() {}

    /** The table for a JDK feature release, or an empty list below the supported floor. */
    public static List<HookTarget> forJdk(int feature) {
        Map.Entry<Integer, List<HookTarget>> entry = BY_FIRST_JDK.floorEntry(feature);
        return entry == null ? List.of() : entry.getValue();
    }

    public static int supportedFloor() {
        return BY_FIRST_JDK.firstKey();
    }
}
