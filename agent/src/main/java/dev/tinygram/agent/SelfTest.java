package dev.tinygram.agent;

import dev.tinygram.bootstrap.TinygramBridge;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.ObjLongConsumer;

/**
 * After installing, proves the hooks fire: one loopback exchange over a Socket and one over a SocketChannel,
 * with a select, on a thread of its own. While it runs, events from that thread are counted instead of tracked,
 * and every other thread's events pass through to the agent as usual.
 */
final class SelfTest {
    private static final byte[] ONE_BYTE = {42};

    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private volatile Thread testThread;

    /** Runs the exchange; returns the events that were expected and did not arrive (empty when all is well). */
    Set<String> run() throws Exception {
        ObjLongConsumer<Object> write = TinygramBridge.onWrite;
        ObjLongConsumer<Object> readEnd = TinygramBridge.onReadEnd;
        Consumer<Object> readStart = TinygramBridge.onReadStart;
        Consumer<Object> channelReadStart = TinygramBridge.onChannelReadStart;
        Consumer<Object> open = TinygramBridge.onOpen;
        Consumer<Object> select = TinygramBridge.onSelect;
        BiConsumer<Object, Boolean> nodelay = TinygramBridge.onNodelay;
        BiFunction<Object, ByteBuffer, Object> coalesce = TinygramBridge.onCoalesce;
        BiFunction<Object, Integer, Object> flush = TinygramBridge.onFlush;
        if (coalesce != null) {
            TinygramBridge.onCoalesce = (c, data) -> {
                if (!mine()) return coalesce.apply(c, data);
                seen(c, "write");
                return null;
            };
            TinygramBridge.onFlush = (c, why) -> mine() ? null : flush.apply(c, why);
        }
        TinygramBridge.onWrite = (c, n) -> { if (mine()) seen(c, "write"); else write.accept(c, n); };
        TinygramBridge.onReadEnd = (c, n) -> { if (mine()) seen(c, "read"); else readEnd.accept(c, n); };
        TinygramBridge.onReadStart = c -> { if (!mine()) readStart.accept(c); };
        TinygramBridge.onChannelReadStart = c -> { if (!mine()) channelReadStart.accept(c); };
        TinygramBridge.onOpen = c -> { if (mine()) seen(c, "open"); else open.accept(c); };
        TinygramBridge.onSelect = s -> { if (mine()) seen.add("selector select"); else select.accept(s); };
        TinygramBridge.onNodelay = (c, on) -> { if (mine()) seen(c, "nodelay"); else nodelay.accept(c, on); };
        Exception[] failure = new Exception[1];
        Thread thread = new Thread(() -> {
            try {
                exchange();
            } catch (Exception e) {
                failure[0] = e;
            }
        }, "tinygram-self-test");
        testThread = thread;
        try {
            thread.setDaemon(true);
            thread.start();
            thread.join(10_000);
        } finally {
            TinygramBridge.onWrite = write;
            TinygramBridge.onReadEnd = readEnd;
            TinygramBridge.onReadStart = readStart;
            TinygramBridge.onChannelReadStart = channelReadStart;
            TinygramBridge.onOpen = open;
            TinygramBridge.onSelect = select;
            TinygramBridge.onNodelay = nodelay;
            TinygramBridge.onCoalesce = coalesce;
            TinygramBridge.onFlush = flush;
        }
        if (failure[0] != null) throw failure[0];
        Set<String> missing = new TreeSet<>(Set.of("socket write", "socket read", "socket open", "socket nodelay",
                "channel write", "channel read", "channel open", "channel nodelay", "selector select"));
        missing.removeAll(seen);
        return missing;
    }

    private boolean mine() {
        return Thread.currentThread() == testThread;
    }

    private void seen(Object connection, String event) {
        seen.add((connection instanceof SocketChannel ? "channel " : "socket ") + event);
    }

    private static void exchange() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 1, loopback);
             Socket client = new Socket(loopback, server.getLocalPort());
             Socket accepted = server.accept()) {
            client.setTcpNoDelay(true);
            OutputStream out = client.getOutputStream();
            out.write(ONE_BYTE);
            InputStream in = accepted.getInputStream();
            if (in.read() != 42) throw new IllegalStateException("socket exchange lost its byte");
        }
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress(loopback, 0));
             SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel accepted = server.accept();
             Selector selector = Selector.open()) {
            client.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            client.write(ByteBuffer.wrap(ONE_BYTE));
            accepted.configureBlocking(false);
            accepted.register(selector, SelectionKey.OP_READ);
            selector.select(5_000);
            if (accepted.read(ByteBuffer.allocate(1)) != 1) throw new IllegalStateException("channel exchange lost its byte");
        }
    }
}
