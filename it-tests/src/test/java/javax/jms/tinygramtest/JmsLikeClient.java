package javax.jms.tinygramtest;

import dev.tinygram.it.apps.LabClient;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * Application code in a {@code javax.*} package that no JDK module holds ({@code javax.jms} is a library's): a
 * message written as a frame header and a body to a {@code LabPeer}. A finding must name {@link #send}. Prints
 * {@code RESULT requests=N}.
 *
 * <pre>JmsLikeClient --port P [--requests 8]</pre>
 */
public final class JmsLikeClient {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(LabClient.arg(args, "--port", null));
        int requests = Integer.parseInt(LabClient.arg(args, "--requests", "8"));
        try (Socket s = LabClient.connect("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            new DataOutputStream(out).writeInt(120);
            if (in.read() < 0) throw new IllegalStateException("the peer closed");
            for (int i = 0; i < requests; i++) send(out, in);
        }
        System.out.println("RESULT requests=" + requests);
    }

    static void send(OutputStream out, InputStream in) throws Exception {
        out.write(new byte[20]);
        out.write(new byte[100]);
        if (in.read() < 0) throw new IllegalStateException("the peer closed");
    }
}
