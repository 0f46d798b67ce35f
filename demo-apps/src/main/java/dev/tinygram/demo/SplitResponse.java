package dev.tinygram.demo;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;

/**
 * The server side of write-write-read: the client sends each request in one write, the server
 * answers with two writes (header, then body) and goes back to reading. The body waits for the
 * client's delayed ACK of the header, so the client sees ~40 ms per request.
 */
final class SplitResponse extends RequestResponseDemo {

    @Override
    public String name() {
        return "split-response";
    }

    @Override
    public String description() {
        return "one-write request, server answers with header write + body write (stalls)";
    }

    @Override
    String expectation() {
        return "server writes header and body separately with Nagle on: expect ~40 ms stalls on Linux";
    }

    /** Reads a request, verifies it, answers with two writes, repeats. */
    static DemoServer.Handler twoWriteResponder(Integrity integrity) {
        return socket -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream(); // unbuffered on purpose
            int expected = 0;
            while (true) {
                Codec.Message m = Codec.read(in, expected);
                if (m == null) {
                    return;
                }
                integrity.verify("server", m);
                expected = m.seq() + 1;
                byte[] body = Codec.responseBody(m.seq());
                out.write(Codec.header(m.seq(), body));
                out.write(body); // tinygram:later-write
            }
        };
    }

    @Override
    public int run(Options o, PrintStream out, PrintStream err) throws Exception {
        int requests = requests(o);
        int warmup = warmup(o);
        Integrity integrity = new Integrity(name(), err);
        RequestLoop.Timing timing;
        try (DemoServer server = DemoServer.start(name(), Net.listen(), twoWriteResponder(integrity), integrity);
             Socket socket = Net.connect(server.port())) {
            OutputStream os = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            timing = RequestLoop.run(warmup, requests, seq -> {
                os.write(Codec.encode(seq, Codec.requestBody(seq)));
                integrity.verify("client", Codec.readResponse(in, seq));
            });
        }
        return report(o, out, timing.summary(), integrity);
    }
}
