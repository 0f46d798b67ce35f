package dev.tinygram.demo;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;

/**
 * write-write-read with a blocking {@link Socket}: the client writes the 16-byte header and the
 * 100-byte body with two separate writes straight to the socket's OutputStream, then reads the
 * response. With Nagle on, the body waits for the ACK of the header, which the server delays
 * (it has nothing to send yet): about 40 ms per request on Linux.
 */
final class WwrClient extends RequestResponseDemo {

    @Override
    public String name() {
        return "wwr-client";
    }

    @Override
    public String description() {
        return "blocking Socket client: header write, body write, read (stalls ~40 ms/request)";
    }

    @Override
    String expectation() {
        return "write-write-read with Nagle on: expect ~40 ms stalls on Linux";
    }

    @Override
    public int run(Options o, PrintStream out, PrintStream err) throws Exception {
        return run(this, o, out, err, Variant.TWO_WRITES);
    }

    /** How the client sends a request. */
    enum Variant { TWO_WRITES, TWO_WRITES_NODELAY, ONE_WRITE }

    /**
     * Shared with {@link WwrClientNoDelay} and {@link WriteOnceClient}, which differ only in {@code variant}.
     * With {@code --segments}, the RESULT line also says how many segments each timed request cost; with
     * {@code --latencies FILE}, each timed latency is written to FILE (nanoseconds, one per line).
     */
    static int run(RequestResponseDemo demo, Options o, PrintStream out, PrintStream err, Variant variant)
            throws Exception {
        int requests = requests(o);
        int warmup = warmup(o);
        Integrity integrity = new Integrity(demo.name(), err);
        RequestLoop.Timing timing;
        Segments.Count segmentsBefore;
        Segments.Count after;
        try (DemoServer server = DemoServer.start(demo.name(), Net.listen(),
                DemoServer.oneWriteResponder(integrity), integrity);
             Socket socket = Net.connect(server.port())) {
            if (variant == Variant.TWO_WRITES_NODELAY) {
                socket.setTcpNoDelay(true); // the application's own fix
            } else if (o.flag("--nagle-after-connect")) {
                socket.setTcpNoDelay(false); // as libraries that choose Nagle do, explicitly, once connected
            }
            OutputStream os = socket.getOutputStream(); // unbuffered on purpose
            InputStream in = socket.getInputStream();
            Segments.Count[] before = {Segments.Count.UNKNOWN};
            RequestLoop.Exchange exchange = seq -> {
                byte[] body = Codec.requestBody(seq);
                if (variant == Variant.ONE_WRITE) {
                    os.write(Codec.encode(seq, body)); // the application's own fix: one write per request
                } else {
                    os.write(Codec.header(seq, body));
                    os.write(body); // tinygram:later-write
                }
                integrity.verify("client", Codec.readResponse(in, seq));
            };
            if (o.has("--duration")) {
                timing = RequestLoop.runFor(o.integer("--duration", 10, 1), exchange, out);   // for live attach
            } else {
                timing = RequestLoop.run(warmup, requests, exchange,
                        () -> before[0] = o.flag("--segments") ? Segments.of(socket) : Segments.Count.UNKNOWN);
            }
            after = o.flag("--segments") ? Segments.of(socket) : Segments.Count.UNKNOWN;
            segmentsBefore = before[0];
        }
        if (o.has("--latencies")) {
            RequestLoop.writeLatencies(timing, java.nio.file.Path.of(o.string("--latencies", "")));
        }
        Result result = Result.latency(demo.name(), timing.summary());
        if (timing.cpuNanos() >= 0) result.put("cpu_ms", Stats.twoDecimals(timing.cpuNanos() / 1e6));
        Segments.perRequest(result, segmentsBefore, after, timing.latencies().length);
        return demo.report(o, out, timing.summary(), integrity, result);
    }
}
