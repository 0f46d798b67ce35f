package dev.tinygram.it.apps;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The lab's client host: for each {@link LabPattern}, a new connection to {@link LabPeer}; it says the request's
 * size (a 4 B header, answered with 1 B), then sends each request as the pattern's writes and waits for the
 * one-byte answer. Prints, per pattern,
 * {@code PATTERN name=P local=HOST:PORT p50_ms=X connect_ms=Y requests=N}: the time from the start of the
 * request's last write to the answer (what writing the request once would take is a round trip), after a warm-up,
 * and the time the connect took. Then {@code RESULT patterns=N}.
 *
 * <pre>LabClient --connect ADDRESS --port P --patterns "100+100;200" [--requests 15] [--warmup 5]
 *                  [--start-after-ms 0]</pre>
 */
public final class LabClient {
    public static void main(String[] args) throws Exception {
        String address = arg(args, "--connect", null);
        int port = Integer.parseInt(arg(args, "--port", "9000"));
        List<LabPattern> patterns = LabPattern.parseList(arg(args, "--patterns", null));
        int requests = Integer.parseInt(arg(args, "--requests", "15"));
        int warmup = Integer.parseInt(arg(args, "--warmup", "5"));
        Thread.sleep(Long.parseLong(arg(args, "--start-after-ms", "0")));   // as a service idle after its start
        for (LabPattern p : patterns) {
            long started = System.nanoTime();
            try (Conn c = p.channel() ? new ChannelConn(address, port) : new SocketConn(address, port)) {
                long connectNanos = System.nanoTime() - started;
                c.nodelay(p.nodelay());
                c.header(p.totalBytes());
                List<Double> latencies = new ArrayList<>();
                for (int i = 0; i < warmup + requests; i++) {
                    long lastWriteStart = 0;
                    for (int w = 0; w < p.writes().length; w++) {
                        if (w > 0 && p.gapMs() > 0) pause(p.gapMs());
                        lastWriteStart = System.nanoTime();
                        c.write(p.writes()[w]);
                    }
                    c.readAnswer();
                    if (i >= warmup) latencies.add((System.nanoTime() - lastWriteStart) / 1e6);
                }
                Collections.sort(latencies);
                System.out.printf(Locale.ROOT, "PATTERN name=%s local=%s p50_ms=%.3f connect_ms=%.3f requests=%d%n",
                        p.name(), c.local(), latencies.get(latencies.size() / 2), connectNanos / 1e6, requests);
            }
        }
        System.out.println("RESULT patterns=" + patterns.size());
    }

    /** One request and its answer on a connection to a {@link LabPeer}. */
    public interface Exchange {
        void run(OutputStream out, InputStream in) throws Exception;
    }

    /**
     * For a client of a {@link LabPeer} given {@code --port P [--requests 8]}: connects, says the request size,
     * runs {@code exchange} that many times, and prints {@code RESULT requests=N}. The exchange's own frames are the
     * caller's, so a finding names the caller's method.
     */
    public static void exchanges(String[] args, int requestBytes, Exchange exchange) throws Exception {
        int port = Integer.parseInt(arg(args, "--port", null));
        int requests = Integer.parseInt(arg(args, "--requests", "8"));
        try (Socket s = connect("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            new DataOutputStream(out).writeInt(requestBytes);
            if (in.read() < 0) throw new IllegalStateException("the peer closed");
            for (int i = 0; i < requests; i++) exchange.run(out, in);
        }
        System.out.println("RESULT requests=" + requests);
    }

    /** Waits {@code ms}, to the sub-millisecond (a sleep alone overshoots). */
    static void pause(int ms) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        for (long left; (left = until - System.nanoTime()) > 0; ) LockSupport.parkNanos(left);
    }

    private interface Conn extends AutoCloseable {
        void nodelay(boolean on) throws IOException;

        /** Says the request size, and waits for the peer's one byte. */
        void header(int requestBytes) throws IOException;

        void write(int bytes) throws IOException;

        void readAnswer() throws IOException;

        String local();

        @Override
        void close() throws IOException;
    }

    private static final class SocketConn implements Conn {
        private final Socket s;
        private final OutputStream out;
        private final InputStream in;

        SocketConn(String address, int port) throws Exception {
            s = connect(address, port);
            out = s.getOutputStream();
            in = s.getInputStream();
        }

        public void nodelay(boolean on) throws IOException {
            s.setTcpNoDelay(on);
        }

        public void header(int requestBytes) throws IOException {
            DataOutputStream d = new DataOutputStream(out);
            d.writeInt(requestBytes);   // DataOutputStream.writeInt is one 4 B write
            readAnswer();
        }

        public void write(int bytes) throws IOException {
            out.write(new byte[bytes]);
        }

        public void readAnswer() throws IOException {
            if (in.read() < 0) throw new IOException("the peer closed");
        }

        public String local() {
            return s.getLocalAddress().getHostAddress() + ":" + s.getLocalPort();
        }

        public void close() throws IOException {
            s.close();
        }
    }

    private static final class ChannelConn implements Conn {
        private final SocketChannel ch;

        ChannelConn(String address, int port) throws Exception {
            ch = open(address, port);
        }

        private static SocketChannel open(String address, int port) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try {
                    return SocketChannel.open(new InetSocketAddress(address, port));
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) throw e;
                    Thread.sleep(50);
                }
            }
        }

        public void nodelay(boolean on) throws IOException {
            ch.socket().setTcpNoDelay(on);
        }

        public void header(int requestBytes) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(4).putInt(requestBytes).flip();
            while (b.hasRemaining()) ch.write(b);
            readAnswer();
        }

        public void write(int bytes) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(bytes);
            while (b.hasRemaining()) ch.write(b);
        }

        public void readAnswer() throws IOException {
            ByteBuffer b = ByteBuffer.allocate(1);
            while (b.hasRemaining()) {
                if (ch.read(b) < 0) throw new IOException("the peer closed");
            }
        }

        public String local() {
            return ch.socket().getLocalAddress().getHostAddress() + ":" + ch.socket().getLocalPort();
        }

        public void close() throws IOException {
            ch.close();
        }
    }

    /** Connects, retrying for up to 10 s while the peer starts listening (the peer is up before this starts). */
    public static Socket connect(String address, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(address, port), 2_000);
                return s;
            } catch (IOException e) {
                s.close();
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(50);
            }
        }
    }

    public static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) return args[i + 1];
        }
        if (fallback == null) throw new IllegalArgumentException(name + " is required");
        return fallback;
    }
}
