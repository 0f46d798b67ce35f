package dev.tinygram.it.thirdparty;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.CRC32;

/**
 * JDK {@code com.sun.net.httpserver} server on 127.0.0.1 (ephemeral port) for the HTTP stall programs.
 * {@code POST /echo} reads the whole body and answers {@code len=<n> crc=<crc32 hex>} so the client can check integrity.
 *
 * <p>The server side sets TCP_NODELAY ({@code sun.net.httpserver.nodelay=true}), because the JDK server writes the
 * response headers and body separately and would otherwise add its own stall to the --nodelay runs.
 * Standalone: {@code java ... LocalHttpServer} prints {@code PORT=<n>} and serves until stdin closes.
 */
public final class LocalHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    private LocalHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static LocalHttpServer start() throws IOException {
        // Read once by the JDK server's static config, so it must be set before the first HttpServer is created.
        // An explicit -Dsun.net.httpserver.nodelay=false is respected (to demonstrate the server-side stall).
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/echo", ex -> {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            byte[] resp = describe(body).getBytes(StandardCharsets.US_ASCII);
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, resp.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(resp);
            }
        });
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "local-http-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        return new LocalHttpServer(server, executor);
    }

    /** The expected response body for a request body. */
    static String describe(byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body);
        return "len=" + body.length + " crc=" + Long.toHexString(crc.getValue());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    public static void main(String[] args) throws Exception {
        try (LocalHttpServer s = start()) {
            System.out.println("PORT=" + s.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until stdin is closed
            }
        }
    }
}
