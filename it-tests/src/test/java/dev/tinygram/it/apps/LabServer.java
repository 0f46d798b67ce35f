package dev.tinygram.it.apps;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

/**
 * The lab's server under test: accepts connections, each on its own thread, with Nagle on as applications leave
 * it. Each connection names its answer in a 4 B header (an index into {@code --answers}, answered with 1 B); then
 * for each request of {@code --request-bytes} (default {@value #REQUEST_BYTES}), read with
 * {@code DataInputStream.readFully} as servers read a fixed-size header, it answers with that pattern's writes.
 * Runs until it is killed.
 *
 * <pre>LabServer --bind ADDRESS --port P --answers "20+100;120;300" [--request-bytes N]</pre>
 */
public final class LabServer {
    static final int REQUEST_BYTES = 10;

    public static void main(String[] args) throws Exception {
        String bind = LabClient.arg(args, "--bind", null);
        int port = Integer.parseInt(LabClient.arg(args, "--port", "9000"));
        List<LabPattern> answers = LabPattern.parseList(LabClient.arg(args, "--answers", null));
        int requestBytes = Integer.parseInt(LabClient.arg(args, "--request-bytes", String.valueOf(REQUEST_BYTES)));
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName(bind), port), 50);
            System.out.println("PORT " + server.getLocalPort());   // for --port 0
            System.out.println("LISTENING");
            System.out.flush();
            while (true) {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s, answers, requestBytes), "lab-server-" + s.getPort());
                t.setDaemon(true);
                t.start();
            }
        }
    }

    /** The sum of the bytes, modulo 256. */
    public static byte checksum(byte[] bytes) {
        int sum = 0;
        for (byte b : bytes) sum += b;
        return (byte) sum;
    }

    private static void serve(Socket s, List<LabPattern> answers, int requestBytes) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            LabPattern answer = answers.get(in.readInt());
            out.write(1);
            byte[] request = new byte[requestBytes];
            byte[][] parts = new byte[answer.writes().length][];
            for (int i = 0; i < parts.length; i++) parts[i] = new byte[answer.writes()[i]];
            while (true) {
                in.readFully(request);
                parts[0][0] = checksum(request);   // the client checks every byte it sent arrived
                for (byte[] part : parts) out.write(part);
            }
        } catch (EOFException done) {
            // the client finished
        } catch (Exception e) {
            System.out.println("lab-server: " + e);
        }
    }
}
