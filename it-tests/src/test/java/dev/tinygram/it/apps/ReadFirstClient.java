package dev.tinygram.it.apps;

import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A client whose read is already waiting when it writes, as message brokers' clients are: each request is two
 * writes of 100 B to a {@link LabPeer}, which answers one byte. {@code --mode thread}: a dedicated reader thread,
 * blocked in {@code read()} before the writer writes. {@code --mode nio}: a non-blocking channel whose loop reads
 * until {@code read()} returns 0 before it writes, then waits in {@code select}. Prints
 * {@code RESULT p50_ms=X requests=N}.
 *
 * <pre>ReadFirstClient --port P --mode thread|nio [--requests 20] [--warmup 3]</pre>
 */
public final class ReadFirstClient {
    private static final int PIECE = 100;

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(LabClient.arg(args, "--port", null));
        String mode = LabClient.arg(args, "--mode", null);
        int requests = Integer.parseInt(LabClient.arg(args, "--requests", "20"));
        int warmup = Integer.parseInt(LabClient.arg(args, "--warmup", "3"));
        List<Double> latencies = switch (mode) {
            case "thread" -> readerThread(port, warmup + requests);
            case "nio" -> nioLoop(port, warmup + requests);
            default -> throw new IllegalArgumentException("--mode thread|nio, not " + mode);
        };
        latencies = new ArrayList<>(latencies.subList(warmup, latencies.size()));
        Collections.sort(latencies);
        System.out.printf(Locale.ROOT, "RESULT p50_ms=%.3f requests=%d%n", latencies.get(latencies.size() / 2),
                requests);
    }

    private static List<Double> readerThread(int port, int count) throws Exception {
        try (Socket s = LabClient.connect("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            new DataOutputStream(out).writeInt(2 * PIECE);
            if (in.read() < 0) throw new IllegalStateException("the peer closed");
            BlockingQueue<Long> answers = new ArrayBlockingQueue<>(count + 1);
            Thread reader = new Thread(() -> {
                try {
                    for (int i = 0; i < count; i++) {
                        if (in.read() < 0) return;   // blocked here before the writer writes
                        answers.add(System.nanoTime());
                    }
                } catch (Exception e) {
                    System.out.println("reader: " + e);
                }
            }, "dedicated-reader");
            reader.setDaemon(true);
            reader.start();
            List<Double> latencies = new ArrayList<>();
            byte[] piece = new byte[PIECE];
            for (int i = 0; i < count; i++) {
                Thread.sleep(2);   // the reader is waiting in read() by now
                long start = System.nanoTime();
                out.write(piece);
                out.write(piece);
                Long answered = answers.poll(10, TimeUnit.SECONDS);
                if (answered == null) throw new IllegalStateException("no answer to request " + i);
                latencies.add((answered - start) / 1e6);
            }
            return latencies;
        }
    }

    private static List<Double> nioLoop(int port, int count) throws Exception {
        try (SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
             Selector selector = Selector.open()) {
            ByteBuffer header = ByteBuffer.allocate(4).putInt(2 * PIECE).flip();
            while (header.hasRemaining()) ch.write(header);
            ByteBuffer one = ByteBuffer.allocate(1);
            while (one.hasRemaining()) {
                if (ch.read(one) < 0) throw new IllegalStateException("the peer closed");
            }
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ);
            List<Double> latencies = new ArrayList<>();
            ByteBuffer piece = ByteBuffer.allocate(PIECE);
            ByteBuffer in = ByteBuffer.allocate(64);
            for (int i = 0; i < count; i++) {
                in.clear();
                if (ch.read(in) != 0) throw new IllegalStateException("an answer nobody asked for");   // drained
                long start = System.nanoTime();
                for (int w = 0; w < 2; w++) {
                    piece.clear();
                    while (piece.hasRemaining()) ch.write(piece);
                }
                int got = 0;
                for (int rounds = 0; got == 0 && rounds < 1000; rounds++) {
                    selector.select(10_000);
                    selector.selectedKeys().clear();
                    got = ch.read(in);
                    if (got < 0) throw new IllegalStateException("the peer closed");
                }
                if (got != 1) throw new IllegalStateException("expected one byte, read " + got);
                latencies.add((System.nanoTime() - start) / 1e6);
            }
            return latencies;
        }
    }
}
