package dev.tinygram.hooks;

import static dev.tinygram.hooks.Load.ARG0;
import static dev.tinygram.hooks.Load.ARG1;
import static dev.tinygram.hooks.Load.ARG2;
import static dev.tinygram.hooks.Load.THIS;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The JDK methods tinygram hooks, and what is woven into each, keyed by the first JDK feature release each table
 * applies to. A JDK that moves a method gets a new table from its release on; the self-test tells when a table no
 * longer fits.
 *
 * <p>The JDK 17 table is verified on 17 and 25: {@code NioSocketImpl.implRead} changed its signature in
 * between, which is why the hooks sit one level up, on {@code read} and {@code write}, which did not.
 */
public final class HookTargets {
    private static final String SOCKET_IMPL = "sun.nio.ch.NioSocketImpl";
    private static final String CHANNEL_IMPL = "sun.nio.ch.SocketChannelImpl";
    private static final String SERVER_CHANNEL_IMPL = "sun.nio.ch.ServerSocketChannelImpl";
    private static final String SELECTOR_IMPL = "sun.nio.ch.SelectorImpl";

    private static final String TO_OBJECT = "(Ljava/lang/Object;)V";

    // ---- what is woven, by the shape of the JDK method ------------------------------------------------------

    /** A Socket's write: the bridge may take the bytes (mode=coalesce), and then the JDK's write is skipped. */
    private static final Weave STREAM_WRITE = Weave.skipWhenTrue(
            BridgeCall.of("writing", "(Ljava/lang/Object;[BII)Z", THIS, ARG0, ARG1, ARG2));
    /** A read that may block: its start (a flush may be due first), its end, and a throw ends it too. */
    private static final Weave STREAM_READ = Weave.atEntry(BridgeCall.of("readStarting", TO_OBJECT, THIS))
            .thenAtReturn(BridgeCall.withReturned("readReturned", "(ILjava/lang/Object;)V", THIS))
            .thenOnThrow(BridgeCall.of("readFailed", TO_OBJECT, THIS));
    private static final Weave CHANNEL_READ = Weave.atEntry(BridgeCall.of("channelReadStarting", TO_OBJECT, THIS))
            .thenAtReturn(BridgeCall.withReturned("readReturned", "(ILjava/lang/Object;)V", THIS))
            .thenOnThrow(BridgeCall.of("readFailed", TO_OBJECT, THIS));
    private static final Weave CHANNEL_SCATTERING_READ = Weave.atEntry(
                    BridgeCall.of("channelReadStarting", TO_OBJECT, THIS))
            .thenAtReturn(BridgeCall.withReturned("readReturned", "(JLjava/lang/Object;)V", THIS))
            .thenOnThrow(BridgeCall.of("readFailed", TO_OBJECT, THIS));
    /** A channel write: before it, mode=coalesce may cork; after it, what the kernel took (less if non-blocking). */
    private static final Weave CHANNEL_WRITE = Weave.atEntry(
                    BridgeCall.of("channelWriting", "(Ljava/lang/Object;Ljava/nio/ByteBuffer;)V", THIS, ARG0))
            .thenAtReturn(BridgeCall.withReturned("channelWritten", "(ILjava/lang/Object;)V", THIS));
    private static final Weave CHANNEL_GATHERING_WRITE = Weave.atEntry(BridgeCall.of("channelWriting",
                    "(Ljava/lang/Object;[Ljava/nio/ByteBuffer;II)V", THIS, ARG0, ARG1, ARG2))
            .thenAtReturn(BridgeCall.withReturned("channelWritten", "(JLjava/lang/Object;)V", THIS));
    /** TCP_NODELAY set by the application, once the JDK took it; any other option is ignored in the bridge. */
    private static final Weave OPTION_SET = Weave.atReturn(BridgeCall.of("optionSet",
            "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)V", THIS, ARG0, ARG1));
    private static final Weave LEGACY_OPTION_SET = Weave.atReturn(BridgeCall.of("legacyOptionSet",
            "(Ljava/lang/Object;ILjava/lang/Object;)V", THIS, ARG0, ARG1));
    /** A blocking connect: its time is the first round-trip estimate. */
    private static final Weave BLOCKING_CONNECT = Weave.atEntry(BridgeCall.of("connecting", "()V"))
            .thenAtReturn(BridgeCall.of("connected", TO_OBJECT, THIS));
    /** A channel's connect, which in non-blocking mode returns false and is finished later. */
    private static final Weave CHANNEL_CONNECT = Weave.atEntry(BridgeCall.of("connecting", "()V"))
            .thenAtReturn(BridgeCall.withReturned("connectReturned", "(ZLjava/lang/Object;)V", THIS));
    private static final Weave CHANNEL_FINISH_CONNECT = Weave.atReturn(
            BridgeCall.withReturned("finishConnectReturned", "(ZLjava/lang/Object;)V", THIS));
    /** NioSocketImpl.accept(SocketImpl) fills its argument in; the channel's returns the new channel. */
    private static final Weave SOCKET_ACCEPT = Weave.atReturn(BridgeCall.of("accepted", TO_OBJECT, ARG0));
    private static final Weave CHANNEL_ACCEPT = Weave.atReturn(BridgeCall.withReturned("accepted", TO_OBJECT));
    private static final Weave SHUTDOWN_OUTPUT = Weave.atEntry(BridgeCall.of("outputShuttingDown", TO_OBJECT, THIS))
            .thenAtReturn(BridgeCall.of("outputShutDown", TO_OBJECT, THIS));
    /** A close flushes what is held first; if that fails, the close still closes and then throws it. */
    private static final Weave CLOSE = Weave.atEntry(BridgeCall.of("closing", TO_OBJECT, THIS))
            .thenAtReturn(BridgeCall.of("closed", TO_OBJECT, THIS))
            .thenOnThrow(BridgeCall.of("closeThrew", TO_OBJECT, THIS));
    private static final Weave FLUSH = Weave.atEntry(BridgeCall.of("streamFlushed", TO_OBJECT, THIS));
    private static final Weave SELECT = Weave.atEntry(BridgeCall.of("selecting", TO_OBJECT, THIS));

    private static final List<HookTarget> FROM_JDK_17 = List.of(
            // java.net.Socket, and SSLSocket and the socket() of a channel-less Socket over it
            new HookTarget("socket", SOCKET_IMPL, "write", "([BII)V", STREAM_WRITE),
            new HookTarget("socket", SOCKET_IMPL, "read", "([BII)I", STREAM_READ),
            new HookTarget("socket", SOCKET_IMPL, "setOption", "(ILjava/lang/Object;)V", LEGACY_OPTION_SET),
            new HookTarget("socket", SOCKET_IMPL, "setOption", "(Ljava/net/SocketOption;Ljava/lang/Object;)V",
                    OPTION_SET),
            new HookTarget("socket", SOCKET_IMPL, "connect", "(Ljava/net/SocketAddress;I)V", BLOCKING_CONNECT),
            new HookTarget("socket", SOCKET_IMPL, "accept", "(Ljava/net/SocketImpl;)V", SOCKET_ACCEPT),
            new HookTarget("socket", SOCKET_IMPL, "shutdownOutput", "()V", SHUTDOWN_OUTPUT),
            new HookTarget("socket", SOCKET_IMPL, "close", "()V", CLOSE),
            // java.nio.channels.SocketChannel, and the streams of its socket() adaptor
            new HookTarget("channel", CHANNEL_IMPL, "write", "(Ljava/nio/ByteBuffer;)I", CHANNEL_WRITE),
            new HookTarget("channel", CHANNEL_IMPL, "write", "([Ljava/nio/ByteBuffer;II)J",
                    CHANNEL_GATHERING_WRITE),
            new HookTarget("channel", CHANNEL_IMPL, "read", "(Ljava/nio/ByteBuffer;)I", CHANNEL_READ),
            new HookTarget("channel", CHANNEL_IMPL, "read", "([Ljava/nio/ByteBuffer;II)J", CHANNEL_SCATTERING_READ),
            new HookTarget("channel", CHANNEL_IMPL, "blockingRead", "([BIIJ)I", STREAM_READ),
            new HookTarget("channel", CHANNEL_IMPL, "blockingWriteFully", "([BII)V", STREAM_WRITE),
            new HookTarget("channel", CHANNEL_IMPL, "setOption",
                    "(Ljava/net/SocketOption;Ljava/lang/Object;)Ljava/nio/channels/SocketChannel;", OPTION_SET),
            new HookTarget("channel", CHANNEL_IMPL, "connect", "(Ljava/net/SocketAddress;)Z", CHANNEL_CONNECT),
            new HookTarget("channel", CHANNEL_IMPL, "finishConnect", "()Z", CHANNEL_FINISH_CONNECT),
            new HookTarget("channel", CHANNEL_IMPL, "blockingConnect", "(Ljava/net/SocketAddress;J)V",
                    BLOCKING_CONNECT),
            new HookTarget("channel", CHANNEL_IMPL, "shutdownOutput", "()Ljava/nio/channels/SocketChannel;",
                    SHUTDOWN_OUTPUT),
            new HookTarget("channel", CHANNEL_IMPL, "implCloseSelectableChannel", "()V", CLOSE),
            new HookTarget("channel", SERVER_CHANNEL_IMPL, "finishAccept",
                    "(Ljava/io/FileDescriptor;Ljava/net/SocketAddress;)Ljava/nio/channels/SocketChannel;",
                    CHANNEL_ACCEPT),
            // an explicit flush of a socket's stream: socket streams inherit OutputStream's empty flush
            new HookTarget("stream", "java.io.OutputStream", "flush", "()V", FLUSH),
            // an NIO app waits for its answer in select
            new HookTarget("selector", SELECTOR_IMPL, "lockAndDoSelect", "(Ljava/util/function/Consumer;J)I",
                    SELECT));

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
