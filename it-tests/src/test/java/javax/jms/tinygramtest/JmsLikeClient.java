package javax.jms.tinygramtest;

import dev.tinygram.it.apps.LabClient;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Application code in a {@code javax.*} package that no JDK module holds ({@code javax.jms} is a library's): a
 * message written as a frame header and a body to a {@code LabPeer}. A finding must name {@link #send}. Prints
 * {@code RESULT requests=N}.
 *
 * <pre>JmsLikeClient --port P [--requests 8]</pre>
 */
public final class JmsLikeClient {
    public static void main(String[] args) throws Exception {
        LabClient.exchanges(args, 120, JmsLikeClient::send);
    }

    static void send(OutputStream out, InputStream in) throws Exception {
        out.write(new byte[20]);
        out.write(new byte[100]);
        if (in.read() < 0) throw new IllegalStateException("the peer closed");
    }
}
