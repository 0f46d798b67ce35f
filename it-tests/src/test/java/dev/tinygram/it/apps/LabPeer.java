package dev.tinygram.it.apps;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The lab's server host: accepts one connection, then for each request reads exactly {@code --request-bytes}
 * and answers one byte, as a server that cannot answer before it has the whole request. Ends at end of stream.
 *
 * <pre>LabPeer --bind ADDRESS --port P --request-bytes N</pre>
 */
public final class LabPeer {
    public static void main(String[] args) throws Exception {
        String bind = LabClient.arg(args, "--bind", null);
        int port = Integer.parseInt(LabClient.arg(args, "--port", "9000"));
        int request = Integer.parseInt(LabClient.arg(args, "--request-bytes", null));
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName(bind), port), 1);
            System.out.println("LISTENING");
            System.out.flush();
            try (Socket s = server.accept()) {
                s.setTcpNoDelay(true);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buffer = new byte[request];
                while (true) {
                    for (int n = 0; n < request; ) {
                        int r = in.read(buffer, n, request - n);
                        if (r < 0) return;
                        n += r;
                    }
                    out.write(1);
                }
            }
        }
    }
}
