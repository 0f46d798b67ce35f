package com.sun.mail.tinygramtest;

import dev.tinygram.it.apps.LabClient;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Application code in a package that looks like the JDK's ({@code com.sun.mail} is Jakarta Mail's): a command
 * written as two pieces to a {@code LabPeer}, as an SMTP client writes a verb and its argument. A finding must name
 * {@link #command}, not a frame further up. Prints {@code RESULT requests=N}.
 *
 * <pre>MailLikeClient --port P [--requests 8]</pre>
 */
public final class MailLikeClient {
    public static void main(String[] args) throws Exception {
        LabClient.exchanges(args, 20, MailLikeClient::command);
    }

    static void command(OutputStream out, InputStream in) throws Exception {
        out.write(new byte[10]);
        out.write(new byte[10]);
        if (in.read() < 0) throw new IllegalStateException("the peer closed");
    }
}
