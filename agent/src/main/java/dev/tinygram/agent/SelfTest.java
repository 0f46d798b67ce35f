package dev.tinygram.agent;

import dev.tinygram.bootstrap.EventSink;
import dev.tinygram.bootstrap.TinygramBridge;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * After installing, proves the hooks fire: one loopback exchange over a Socket and one over a SocketChannel,
 * with a select, on a thread of its own. The self-test is a sink: while it runs it stands in front of the
 * agent's, counts the events from its own thread, and passes every other thread's to the agent's sink as usual.
 * It is a proxy of {@link EventSink}, so a new event needs nothing here unless the self-test should expect it.
 */
final class SelfTest {
    private static final byte[] ONE_BYTE = {42};
    /** Sink methods whose call from the test thread means the hook behind them fired, and what it is called. */
    private static final Map<String, String> SEEN_AS = Map.of("opened", "open", "accepted", "accept",
            "nodelaySet", "nodelay", "writing", "write", "written", "write", "readEnded", "read", "selecting",
            "select");

    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private volatile Thread testThread;

    /** Runs the exchange; returns the events that were expected and did not arrive (empty when all is well). */
    Set<String> run() throws Exception {
        EventSink agent = TinygramBridge.installed();
        EventSink standIn = (EventSink) Proxy.newProxyInstance(SelfTest.class.getClassLoader(),
                new Class<?>[] {EventSink.class}, (proxy, method, args) -> forward(agent, method, args));
        TinygramBridge.replace(agent, standIn);
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
            TinygramBridge.replace(standIn, agent);   // unless the agent stood down meanwhile: then it stays down
        }
        if (failure[0] != null) throw failure[0];
        Set<String> missing = new TreeSet<>(Set.of("socket write", "socket read", "socket open", "socket accept",
                "socket nodelay", "channel write", "channel read", "channel open", "channel accept",
                "channel nodelay", "selector select"));
        missing.removeAll(seen);
        return missing;
    }

    /** The test thread's events are counted and go no further; everyone else's go to the agent's sink. */
    private Object forward(EventSink agent, Method method, Object[] args) throws Throwable {
        if (Thread.currentThread() != testThread || method.getDeclaringClass() != EventSink.class) {
            try {
                return method.invoke(agent, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
        String event = SEEN_AS.get(method.getName());
        if (event != null) {
            seen.add(event.equals("select") ? "selector select"
                    : (args[0] instanceof SocketChannel ? "channel " : "socket ") + event);
        }
        return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
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
