package dev.tinygram.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The in-process server half of a demo: an accept thread plus one handler task per connection.
 * Handler failures are counted in the shared {@link Integrity}.
 */
final class DemoServer implements AutoCloseable {

    /** Serves one accepted connection until the client closes it. */
    interface Handler {
        void serve(Socket socket) throws IOException;
    }

    private final ServerSocket serverSocket;
    private final Handler handler;
    private final Integrity integrity;
    private final ExecutorService executor;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    private DemoServer(String name, ServerSocket serverSocket, Handler handler, Integrity integrity,
                       ExecutorService executor) {
        this.serverSocket = serverSocket;
        this.handler = handler;
        this.integrity = integrity;
        this.executor = executor;
        this.acceptor = new Thread(this::acceptLoop, name + "-server-accept");
        this.acceptor.setDaemon(true);
    }

    /** Starts serving on {@code serverSocket} with one platform thread per connection. */
    static DemoServer start(String name, ServerSocket serverSocket, Handler handler, Integrity integrity) {
        ExecutorService ex = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-server-conn");
            t.setDaemon(true);
            return t;
        });
        return start(name, serverSocket, handler, integrity, ex);
    }

    /** Starts serving on {@code serverSocket}, running each connection's handler on {@code executor}. */
    static DemoServer start(String name, ServerSocket serverSocket, Handler handler, Integrity integrity,
                            ExecutorService executor) {
        DemoServer s = new DemoServer(name, serverSocket, handler, integrity, executor);
        s.acceptor.start();
        return s;
    }

    int port() {
        return serverSocket.getLocalPort();
    }

    private void acceptLoop() {
        while (!closing) {
            Socket s;
            try {
                s = serverSocket.accept();
            } catch (IOException e) {
                if (!closing) {
                    integrity.error("server accept", e);
                }
                return;
            }
            open.add(s);
            try {
                executor.execute(() -> serveOne(s));
            } catch (RejectedExecutionException e) {
                open.remove(s);
                closeQuietly(s);
                return; // shutting down
            }
        }
    }

    private void serveOne(Socket s) {
        try (s) {
            s.setSoTimeout(Net.READ_TIMEOUT_MS * 2);
            handler.serve(s);
        } catch (Codec.IntegrityException e) {
            integrity.failure("server", e.getMessage());
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                integrity.error("server", e);
            }
        } finally {
            open.remove(s);
        }
    }

    @Override
    public void close() throws InterruptedException {
        // Give handlers a moment to see the client's end of stream before forcing sockets shut.
        executor.shutdown();
        executor.awaitTermination(2, TimeUnit.SECONDS);
        closing = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        executor.shutdownNow();
        acceptor.join(2_000);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /**
     * The standard request/response server: reads a request (header + body), verifies it and
     * answers with header + body in ONE write, then goes back to reading.
     */
    static Handler oneWriteResponder(Integrity integrity) {
        return socket -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            int expected = 0;
            while (true) {
                Codec.Message m = Codec.read(in, expected);
                if (m == null) {
                    return; // client closed the connection
                }
                integrity.verify("server", m);
                expected = m.seq() + 1;
                out.write(Codec.encode(m.seq(), Codec.responseBody(m.seq())));
            }
        };
    }
}
