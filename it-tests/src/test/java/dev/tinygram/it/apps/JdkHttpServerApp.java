package dev.tinygram.it.apps;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The JDK's own HTTP server in its default configuration (no {@code sun.net.httpserver.nodelay}): before JDK 23 it
 * flushes a response's headers before its body (JDK-6968351), a write-write-read on every keep-alive request.
 * Answers every GET with a short text. Prints {@code PORT n} and {@code LISTENING}; runs until it is killed.
 */
public final class JdkHttpServerApp {
    static final String BODY = "hello from the JDK's HTTP server";

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", JdkHttpServerApp::answer);
        server.start();
        System.out.println("PORT " + server.getAddress().getPort());
        System.out.println("LISTENING");
        System.out.flush();
        Thread.currentThread().join();
    }

    private static void answer(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] body = BODY.getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(200, body.length);   // JDK 17 writes and flushes the headers here
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);                              // and the body here: held behind them by Nagle
        }
    }
}
