package dev.tinygram.it.apps;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import jdk.net.ExtendedSocketOptions;

/**
 * The lab's peer of {@link LabClient}: accepts connections, each on its own thread; each says its request size in
 * a 4 B header (answered with 1 B); then for each request it reads exactly that many bytes and answers one byte,
 * as a server that cannot answer before it has the whole request. A connection ends at end of stream; the process
 * runs until it is killed.
 *
 * <pre>LabPeer --bind ADDRESS --port P</pre>
 */
public final class LabPeer {
    public static void main(String[] args) throws Exception {
        String bind = LabClient.arg(args, "--bind", null);
        int port = Integer.parseInt(LabClient.arg(args, "--port", "9000"));
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName(bind), port), 50);
            System.out.println("LISTENING");
            System.out.flush();
            while (true) {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "lab-peer-" + s.getPort());
                t.setDaemon(true);
                t.start();
            }
        }
    }

    /** One connection of the protocol above, until its end of stream. */
    public static void serve(Socket s) {
        serve(s, false);
    }

    /**
     * The same; with {@code quickack}, TCP_QUICKACK is set again after every request, as a peer that never delays
     * its ACK (the kernel drops the option, so it is re-armed each time): the next request's first piece is ACKed
     * at once, and the sender's Nagle holds nothing for long.
     */
    public static void serve(Socket s, boolean quickack) {
        try (s) {
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            int request = in.readInt();
            out.write(1);
            if (quickack) s.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
            byte[] buffer = new byte[request];
            while (true) {
                in.readFully(buffer);
                out.write(1);
                if (quickack) s.setOption(ExtendedSocketOptions.TCP_QUICKACK, true);
            }
        } catch (EOFException done) {
            // the client finished
        } catch (Exception e) {
            System.out.println("lab-peer: " + e);
        }
    }
}
