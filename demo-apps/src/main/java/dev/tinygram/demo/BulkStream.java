package dev.tinygram.demo;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A one-way stream of many small messages, each a separate write to the socket's OutputStream,
 * with no waiting for responses in between. Here Nagle helps: it coalesces the small writes into
 * full segments. The stream ends with an empty message (body length 0) and a half-close: the FIN
 * pushes the last bytes out with Nagle off, so nothing waits for a delayed ACK. The server answers
 * the end message with one acknowledgement carrying how many messages it received, so the client
 * can time the whole transfer.
 */
final class BulkStream implements Demo {
    static final int DEFAULT_MESSAGES = 20_000;
    static final int PAYLOAD_BYTES = 64;
    static final int PAYLOAD_SALT = 0x5EED_0003;
    /** Messages per warm-up round: enough rounds (a thousand for a million) for stream() to be compiled whole. */
    private static final int WARMUP_ROUND = 1000;
    /** Warm-up rounds whose acks may wait unread: 20 B each, far below any socket buffer. */
    private static final int ACKS_UNREAD_AT_MOST = 256;

    @Override
    public String name() {
        return "bulk-stream";
    }

    @Override
    public String description() {
        return "one-way stream of many small writes, one ack at the end (Nagle helps)";
    }

    @Override
    public Map<String, Options.Kind> options() {
        Map<String, Options.Kind> m = new LinkedHashMap<>();
        m.put("--messages", Options.Kind.INT);
        m.put("--warmup", Options.Kind.INT);
        m.put("--quiet", Options.Kind.FLAG);
        return m;
    }

    @Override
    public String synopsis() {
        return "[--messages N] [--warmup N] [--quiet]";
    }

    /** Server: reads and verifies every message; on the empty end message, acks with the count. */
    static DemoServer.Handler receiver(Integrity integrity) {
        return socket -> {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            OutputStream out = socket.getOutputStream();
            int expected = 0;
            int received = 0;
            while (true) {
                Codec.Message m = Codec.read(in, expected);
                if (m == null) {
                    return;
                }
                integrity.verify("server", m);
                expected = m.seq() + 1;
                if (m.body().length == 0) {
                    byte[] ack = ByteBuffer.allocate(4).putInt(received).array();
                    out.write(Codec.encode(m.seq(), ack));
                    received = 0;
                    expected = 0;
                } else {
                    received++;
                }
            }
        };
    }

    /** Writes {@code messages} messages, then the empty end message; returns the bytes written. */
    private static long stream(OutputStream os, int messages) throws java.io.IOException {
        long bytes = 0;
        for (int seq = 0; seq < messages; seq++) {
            byte[] frame = Codec.encode(seq, Codec.payload(seq, PAYLOAD_BYTES, PAYLOAD_SALT));
            os.write(frame);
            bytes += frame.length;
        }
        byte[] end = Codec.encode(messages, new byte[0]);
        os.write(end);
        return bytes + end.length;
    }

    /** Reads and checks the acks of the first {@code rounds} streams of {@code messages} each. */
    private static void readAcks(Integrity integrity, InputStream in, int[] messages, int rounds)
            throws java.io.IOException {
        for (int i = 0; i < rounds; i++) {
            verifyAck(integrity, Codec.readResponse(in, messages[i]), messages[i]);
        }
    }

    private static void verifyAck(Integrity integrity, Codec.Message ack, int messages) {
        if (integrity.verify("client", ack)) {
            int received = ack.body().length == 4 ? ByteBuffer.wrap(ack.body()).getInt() : -1;
            if (received != messages) {
                integrity.failure("client", "server acknowledged " + received + " of " + messages + " messages");
            }
        }
    }

    @Override
    public int run(Options o, PrintStream out, PrintStream err) throws Exception {
        int messages = o.integer("--messages", DEFAULT_MESSAGES, 1);
        int warmup = o.integer("--warmup", 0, 0);
        Integrity integrity = new Integrity(name(), err);
        long bytes;
        long elapsed;
        long cpuBefore;
        long cpuAfter;
        long writerCpu;
        try (DemoServer server = DemoServer.start(name(), Net.listen(), receiver(integrity), integrity);
             Socket socket = Net.connect(server.port())) {
            OutputStream os = socket.getOutputStream(); // unbuffered: every message is its own write
            InputStream in = socket.getInputStream();
            ProcessCpu.loadBeforeTiming();
            // Untimed streams first, in rounds, each acknowledged like the timed one. One long warm-up loop is
            // compiled on the stack only, and that code is dropped when the loop ends: the timed stream then began
            // by recompiling, and the more code a write runs (an agent's), the longer. In rounds, stream() is
            // compiled as a method. The acks are read every 256 rounds and after the last: a read after each
            // round would wait for a delayed ACK each time.
            int[] unread = new int[ACKS_UNREAD_AT_MOST];   // the acks must never fill the socket buffers
            int unreadRounds = 0;
            for (int done = 0; done < warmup; done += WARMUP_ROUND) {
                unread[unreadRounds] = Math.min(WARMUP_ROUND, warmup - done);
                stream(os, unread[unreadRounds]);
                if (++unreadRounds == unread.length) {
                    readAcks(integrity, in, unread, unreadRounds);
                    unreadRounds = 0;
                }
            }
            readAcks(integrity, in, unread, unreadRounds);
            cpuBefore = ProcessCpu.nanos();
            long start = System.nanoTime();
            long writerBefore = ProcessCpu.threadNanos();
            bytes = stream(os, messages);
            writerCpu = writerBefore < 0 ? -1 : ProcessCpu.threadNanos() - writerBefore;
            socket.shutdownOutput(); // a stream's end: the FIN sends what Nagle holds at once
            Codec.Message ack = Codec.readResponse(in, messages);
            elapsed = System.nanoTime() - start;
            cpuAfter = ProcessCpu.nanos();
            verifyAck(integrity, ack, messages);
        }
        double seconds = elapsed / 1e9;
        if (!o.quiet()) {
            out.println(name() + ": " + messages + " messages of " + PAYLOAD_BYTES + " B payload (" + bytes
                    + " bytes with headers) in " + Stats.ms(elapsed) + " ms (many small writes, no waiting: Nagle coalesces them)");
        }
        Result r = new Result(name())
                .put("messages", messages)
                .put("bytes", bytes)
                .put("mb_per_s", Stats.twoDecimals(bytes / 1e6 / seconds))
                .put("msgs_per_s", Stats.oneDecimal(messages / seconds));
        if (warmup > 0) r.put("warmup", warmup);
        double cpuMs = ProcessCpu.millisBetween(cpuBefore, cpuAfter);
        if (cpuMs >= 0) r.put("cpu_ms", cpuMs);
        // the writing thread's own CPU per message, system calls included (the end message counts as one); on
        // loopback it moves with the reader's scheduling as the wall time does, since the send runs the receive
        // path too
        if (writerCpu >= 0) r.put("writer_cpu_ns_per_msg", Stats.oneDecimal((double) writerCpu / (messages + 1)));
        integrity.appendTo(r);
        out.println(r);
        return integrity.exitStatus();
    }
}
