package dev.tinygram.it.integrity;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Random;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * One connection end through one API: {@code java.net.Socket} streams, or a blocking {@code SocketChannel} (heap or
 * direct buffers, plain or gathering writes, and sometimes the streams of its {@code socket()} adaptor, which the
 * agent hooks separately). Every method is what an application would call; nothing here retries or hides errors.
 */
final class Net {
    private Net() {}

    enum Api {
        SOCKET, CHANNEL, SSL;

        static Api parse(String s) {
            return switch (s) {
                case "socket" -> SOCKET;
                case "channel" -> CHANNEL;
                case "ssl" -> SSL;
                default -> throw new IllegalArgumentException("--api socket|channel|ssl, not " + s);
            };
        }

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static SSLContext tls;

    /**
     * For --api ssl: a TLS context with a throwaway self-signed key made by the JDK's keytool, trusted by both
     * ends (SSLSocket writes its TLS records through the same NioSocketImpl the agent hooks).
     */
    static synchronized SSLContext tls() throws IOException {
        if (tls != null) return tls;
        try {
            Path dir = Files.createTempDirectory("tinygram-it-tls");
            Path store = dir.resolve("key.p12");
            char[] pass = "changeit".toCharArray();
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "k", "-dname", "CN=localhost",
                    "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit",
                    "-keypass", "changeit").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) throw new IOException("keytool failed: " + out);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, pass);
            }
            Files.delete(store);
            Files.delete(dir);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pass);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            tls = ctx;
            return ctx;
        } catch (GeneralSecurityException | InterruptedException e) {
            throw new IOException(e);
        }
    }

    interface Conn {
        void write(byte[] b, int off, int len) throws IOException;

        /** The parts in order, as one gathering write where the API has one. */
        void writeGather(byte[][] parts, int[] offs, int[] lens) throws IOException;

        /** An explicit flush of the stream, as apps do at the end of a message (a no-op for channels). */
        void flush() throws IOException;

        /** Whether written bytes may wait in an application-side buffer until {@link #flush()}. */
        boolean buffered();

        int read(byte[] b, int off, int len) throws IOException;

        /** A read that gives up after {@code millis} with a SocketTimeoutException (SO_TIMEOUT). */
        int readWithTimeout(byte[] b, int off, int len, int millis) throws IOException;

        boolean nodelay() throws IOException;

        /**
         * Sets SO_SNDBUF, and not SO_RCVBUF. A set receive buffer is locked: the kernel may no longer grow it. On
         * loopback (MSS 65483) a locked buffer of 16 to 128 KB drops segments whose memory does not fit (nstat:
         * TcpExtTCPRcvQDrop, TcpExtRcvPruned), and now and then both ends back off their timers for tens of
         * seconds ("rto:26624 backoff:7", a persist timer at the other end): a kernel stall that CI hit three
         * times, whoever set TCP_NODELAY. Left to the kernel, the receive buffer starts at tcp_rmem's default and
         * grows only as fast as a slow reader reads, so the pipe still fills.
         */
        void sendBuffer(int bytes) throws IOException;

        void shutdownOutput() throws IOException;

        void close() throws IOException;

        /** An abortive close: SO_LINGER 0, so the peer gets a RST. */
        void abort() throws IOException;

        String how();

        /** The local port, for the watchdog's look at the kernel's queues (0 when not connected). */
        int localPort();
    }

    interface Listener {
        Conn accept(Random r) throws IOException;

        int port();

        void close() throws IOException;
    }

    static Listener listen(Api api) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        if (api == Api.SOCKET || api == Api.SSL) {
            ServerSocket ss = api == Api.SSL ? tls().getServerSocketFactory().createServerSocket(0, 512, loopback)
                    : new ServerSocket(0, 512, loopback);
            return new Listener() {
                public Conn accept(Random r) throws IOException {
                    return new SocketConn(ss.accept(), r);
                }

                public int port() {
                    return ss.getLocalPort();
                }

                public void close() throws IOException {
                    ss.close();
                }
            };
        }
        ServerSocketChannel ssc = ServerSocketChannel.open();
        ssc.bind(new InetSocketAddress(loopback, 0), 512);
        return new Listener() {
            public Conn accept(Random r) throws IOException {
                return new ChannelConn(ssc.accept(), r);
            }

            public int port() {
                return ((InetSocketAddress) ssc.socket().getLocalSocketAddress()).getPort();
            }

            public void close() throws IOException {
                ssc.close();
            }
        };
    }

    static Conn connect(Api api, int port, Random r) throws IOException {
        return connect(api, port, r, 0);
    }

    /**
     * With {@code sendBuffer} > 0, SO_SNDBUF is set to it before connecting, as some apps do. SO_RCVBUF is left to
     * the kernel: see {@link Conn#sendBuffer}.
     */
    static Conn connect(Api api, int port, Random r, int sendBuffer) throws IOException {
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        if (api == Api.SOCKET || api == Api.SSL) {
            Socket s = api == Api.SSL ? tls().getSocketFactory().createSocket() : new Socket();
            try {
                if (sendBuffer > 0) s.setSendBufferSize(sendBuffer);
                s.connect(to, 10_000);
            } catch (IOException e) {
                s.close();
                throw e;
            }
            return new SocketConn(s, r);
        }
        SocketChannel ch = SocketChannel.open();
        try {
            if (sendBuffer > 0) ch.setOption(StandardSocketOptions.SO_SNDBUF, sendBuffer);
            ch.connect(to);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new ChannelConn(ch, r);
    }

    static final class SocketConn implements Conn {
        final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final int bufferSize;

        /** A quarter of them write through a BufferedOutputStream of 64 B to 8 KB, flushed at message ends. */
        SocketConn(Socket socket, Random r) throws IOException {
            this.socket = socket;
            this.bufferSize = r.nextInt(4) == 0 ? 64 << r.nextInt(8) : 0;
            this.out = bufferSize > 0 ? new BufferedOutputStream(socket.getOutputStream(), bufferSize)
                    : socket.getOutputStream();
            this.in = socket.getInputStream();
        }

        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 1 && (b[off] & 1) == 0) out.write(b[off]);   // write(int) too, now and then
            else out.write(b, off, len);
        }

        public void flush() throws IOException {
            out.flush();
        }

        public boolean buffered() {
            return bufferSize > 0;
        }

        public void writeGather(byte[][] parts, int[] offs, int[] lens) throws IOException {
            for (int i = 0; i < parts.length; i++) out.write(parts[i], offs[i], lens[i]);
        }

        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        public int readWithTimeout(byte[] b, int off, int len, int millis) throws IOException {
            socket.setSoTimeout(millis);
            try {
                return in.read(b, off, len);
            } finally {
                socket.setSoTimeout(0);
            }
        }

        public boolean nodelay() throws IOException {
            return socket.getTcpNoDelay();
        }

        public void sendBuffer(int bytes) throws IOException {
            socket.setSendBufferSize(bytes);
        }

        public void shutdownOutput() throws IOException {
            if (bufferSize > 0) out.flush();
            socket.shutdownOutput();
        }

        /** Socket.close(), as another thread would call it: a BufferedOutputStream is flushed at message ends. */
        public void close() throws IOException {
            socket.close();
        }

        public void abort() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        public int localPort() {
            return Math.max(socket.getLocalPort(), 0);
        }

        public String how() {
            String streams = socket instanceof SSLSocket ? "ssl-socket-streams" : "socket-streams";
            return bufferSize > 0 ? streams + " via BufferedOutputStream(" + bufferSize + ")" : streams;
        }
    }

    private static final ThreadLocal<ByteBuffer> DIRECT = new ThreadLocal<>();

    /** A direct buffer of {@code len} bytes, reused per thread (as applications pool them). */
    static ByteBuffer directBuffer(int len) {
        ByteBuffer b = DIRECT.get();
        if (b == null || b.capacity() < len) {
            b = ByteBuffer.allocateDirect(Math.max(len, 1 << 16));
            DIRECT.set(b);
        }
        b.clear().limit(len);
        return b;
    }

    static final class ChannelConn implements Conn {
        final SocketChannel channel;
        private final boolean direct;
        private final boolean adaptor;
        private final OutputStream out;
        private final InputStream in;

        ChannelConn(SocketChannel channel, Random r) throws IOException {
            this.channel = channel;
            int p = r.nextInt(8);
            this.direct = p >= 5;              // 3/8 direct buffers
            this.adaptor = p == 0;             // 1/8 the socket() adaptor's streams
            this.out = adaptor ? channel.socket().getOutputStream() : null;
            this.in = adaptor ? channel.socket().getInputStream() : null;
        }

        public void write(byte[] b, int off, int len) throws IOException {
            if (adaptor) {
                out.write(b, off, len);
                return;
            }
            ByteBuffer buf;
            if (direct) {
                buf = directBuffer(len);
                buf.put(b, off, len).flip();
            } else {
                buf = ByteBuffer.wrap(b, off, len);
            }
            while (buf.hasRemaining()) channel.write(buf);
        }

        public void flush() throws IOException {
            if (adaptor) out.flush();
        }

        public boolean buffered() {
            return false;
        }

        public void writeGather(byte[][] parts, int[] offs, int[] lens) throws IOException {
            if (adaptor) {
                for (int i = 0; i < parts.length; i++) out.write(parts[i], offs[i], lens[i]);
                return;
            }
            ByteBuffer[] bufs = new ByteBuffer[parts.length];
            long left = 0;
            for (int i = 0; i < parts.length; i++) {
                if (direct) {
                    bufs[i] = ByteBuffer.allocateDirect(lens[i]);
                    bufs[i].put(parts[i], offs[i], lens[i]).flip();
                } else {
                    bufs[i] = ByteBuffer.wrap(parts[i], offs[i], lens[i]);
                }
                left += lens[i];
            }
            while (left > 0) left -= channel.write(bufs);
        }

        public int read(byte[] b, int off, int len) throws IOException {
            if (adaptor) return in.read(b, off, len);
            if (direct) {
                ByteBuffer buf = directBuffer(len);
                int n = channel.read(buf);
                if (n > 0) {
                    buf.flip();
                    buf.get(b, off, n);
                }
                return n;
            }
            return channel.read(ByteBuffer.wrap(b, off, len));
        }

        /** Through the socket() adaptor: a channel's own reads have no timeout. */
        public int readWithTimeout(byte[] b, int off, int len, int millis) throws IOException {
            channel.socket().setSoTimeout(millis);
            try {
                return channel.socket().getInputStream().read(b, off, len);
            } finally {
                channel.socket().setSoTimeout(0);
            }
        }

        public boolean nodelay() throws IOException {
            return channel.getOption(StandardSocketOptions.TCP_NODELAY);
        }

        public void sendBuffer(int bytes) throws IOException {
            channel.setOption(StandardSocketOptions.SO_SNDBUF, bytes);
        }

        public void shutdownOutput() throws IOException {
            channel.shutdownOutput();
        }

        public void close() throws IOException {
            channel.close();
        }

        public void abort() throws IOException {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            channel.close();
        }

        public int localPort() {
            return Math.max(channel.socket().getLocalPort(), 0);
        }

        public String how() {
            return adaptor ? "channel-adaptor-streams" : direct ? "channel-direct" : "channel-heap";
        }
    }
}
