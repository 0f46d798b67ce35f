package dev.tinygram.demo;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Map;

/**
 * write-write-read with a {@link SocketChannel}: {@code channel.write(header)},
 * {@code channel.write(body)}, then read the response. In {@code --nonblocking} mode the read
 * waits on a {@link Selector} for OP_READ. Stalls ~40 ms/request on Linux in both modes.
 */
final class NioClient extends RequestResponseDemo {

    @Override
    public String name() {
        return "nio-client";
    }

    @Override
    public String description() {
        return "SocketChannel client: two channel.write calls, then read (stalls)";
    }

    @Override
    public Map<String, Options.Kind> options() {
        Map<String, Options.Kind> m = Options.requestResponse();
        m.put("--blocking", Options.Kind.FLAG);
        m.put("--nonblocking", Options.Kind.FLAG);
        m.put("--one-write", Options.Kind.FLAG);
        return m;
    }

    @Override
    public String synopsis() {
        return "[--blocking | --nonblocking] [--one-write] " + super.synopsis();
    }

    @Override
    String expectation() {
        return "two channel writes then a read with Nagle on: expect ~40 ms stalls on Linux";
    }

    @Override
    public int run(Options o, PrintStream out, PrintStream err) throws Exception {
        if (o.flag("--blocking") && o.flag("--nonblocking")) {
            throw new Options.UsageException("'--nonblocking' cannot be combined with '--blocking'");
        }
        boolean nonBlocking = o.flag("--nonblocking");
        int requests = requests(o);
        int warmup = warmup(o);
        Integrity integrity = new Integrity(name(), err);
        RequestLoop.Timing timing;
        Segments.Count segmentsBefore;
        Segments.Count after;
        try (DemoServer server = DemoServer.start(name(), Net.listen(),
                DemoServer.oneWriteResponder(integrity), integrity);
             SocketChannel channel = SocketChannel.open();
             Selector selector = nonBlocking ? Selector.open() : null) {
            channel.socket().connect(Net.address(server.port()), Net.CONNECT_TIMEOUT_MS);
            Io io = new Io(channel, selector);
            boolean oneWrite = o.flag("--one-write");
            Segments.Count[] before = {Segments.Count.UNKNOWN};
            timing = RequestLoop.run(warmup, requests, seq -> {
                byte[] bodyBytes = Codec.requestBody(seq);
                if (oneWrite) {   // the application's own fix, to compare with: the request in one write
                    ByteBuffer whole = ByteBuffer.wrap(Codec.encode(seq, bodyBytes));
                    channel.write(whole);
                    io.finishWrite(whole);
                    integrity.verify("client", io.readMessage(seq));
                    return;
                }
                ByteBuffer header = ByteBuffer.wrap(Codec.header(seq, bodyBytes));
                ByteBuffer body = ByteBuffer.wrap(bodyBytes);
                channel.write(header);
                io.finishWrite(header); // no-op unless the write was partial
                channel.write(body); // tinygram:later-write
                io.finishWrite(body);
                integrity.verify("client", io.readMessage(seq));
            }, () -> before[0] = o.flag("--segments") ? Segments.of(channel.socket()) : Segments.Count.UNKNOWN);
            segmentsBefore = before[0];
            after = o.flag("--segments") ? Segments.of(channel.socket()) : Segments.Count.UNKNOWN;
        }
        Result r = Result.latency(name(), timing.summary()).put("mode", nonBlocking ? "nonblocking" : "blocking");
        Segments.perRequest(r, segmentsBefore, after, timing.latencies().length);
        return report(o, out, timing.summary(), integrity, r);
    }

    /** Channel I/O for either mode; in non-blocking mode every wait goes through the selector. */
    private static final class Io {
        private final SocketChannel channel;
        private final SelectionKey key;
        private final Selector selector;

        Io(SocketChannel channel, Selector selector) throws IOException {
            this.channel = channel;
            this.selector = selector;
            if (selector != null) {
                channel.configureBlocking(false);
                key = channel.register(selector, 0);
            } else {
                key = null;
            }
        }

        /** Completes a partial write (a blocking channel always writes everything). */
        void finishWrite(ByteBuffer buf) throws IOException {
            while (buf.hasRemaining()) {
                await(SelectionKey.OP_WRITE);
                channel.write(buf);
            }
        }

        Codec.Message readMessage(int expectedSeq) throws IOException {
            ByteBuffer h = ByteBuffer.allocate(Codec.HEADER_BYTES);
            fill(h);
            Codec.Header header = Codec.parseHeader(h.array());
            ByteBuffer body = ByteBuffer.allocate(header.length());
            fill(body);
            return new Codec.Message(header.seq(), body.array(), Codec.check(header, body.array(), expectedSeq));
        }

        private void fill(ByteBuffer buf) throws IOException {
            while (buf.hasRemaining()) {
                if (selector != null) {
                    await(SelectionKey.OP_READ);
                }
                if (channel.read(buf) < 0) {
                    throw new EOFException("server closed the connection");
                }
            }
        }

        private void await(int op) throws IOException {
            if (selector == null) {
                return;
            }
            key.interestOps(op);
            try {
                if (selector.select(Net.READ_TIMEOUT_MS) == 0) {
                    throw new SocketTimeoutException("no response within " + Net.READ_TIMEOUT_MS + " ms");
                }
            } finally {
                selector.selectedKeys().clear();
                key.interestOps(0);
            }
        }
    }
}
