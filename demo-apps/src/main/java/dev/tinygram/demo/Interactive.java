package dev.tinygram.demo;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;

/**
 * write-read-write-read: each request goes out in one write and each response in one write.
 * Nagle has nothing to hold back, so this does not stall even with Nagle on.
 */
final class Interactive extends RequestResponseDemo {

    @Override
    public String name() {
        return "interactive";
    }

    @Override
    public String description() {
        return "one write per request, one write per response (no stall)";
    }

    @Override
    String expectation() {
        return "one write per message: no stall expected";
    }

    @Override
    public int run(Options o, PrintStream out, PrintStream err) throws Exception {
        int requests = requests(o);
        int warmup = warmup(o);
        Integrity integrity = new Integrity(name(), err);
        RequestLoop.Timing timing;
        try (DemoServer server = DemoServer.start(name(), Net.listen(),
                DemoServer.oneWriteResponder(integrity), integrity);
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
