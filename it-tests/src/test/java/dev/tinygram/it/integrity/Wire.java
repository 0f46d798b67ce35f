package dev.tinygram.it.integrity;

import java.io.EOFException;
import java.io.IOException;

/**
 * The 16-byte header a client sends first, telling the server what to do with the connection:
 * {@code [magic][connection id][kind][0][0][0][param]}.
 */
final class Wire {
    static final int MAGIC = 0x54474954;   // "TGIT"
    static final int HEADER = 16;

    /**
     * Echo everything until EOF, then half-close or close. param bit 0: in reads of at least 512 B; param >> 8: KB
     * of SO_SNDBUF to set on the server's end.
     */
    static final byte ECHO = 1;
    /** Read everything until EOF and record its digest and count. */
    static final byte SINK = 2;
    /** Read param bytes (or to EOF), then reset (SO_LINGER 0 + close). */
    static final byte RESET = 3;
    /** Echo param bytes, then reset mid-stream. */
    static final byte ECHO_THEN_RESET = 4;
    /** Read and discard until EOF (the forked peer server). */
    static final byte DISCARD = 5;
    /** Read nothing until the client side releases it, then drain to EOF: a peer that stopped reading. */
    static final byte STALL = 6;
    /** Read param bytes and report their digest at once, then drain to EOF. */
    static final byte COUNT = 7;

    private Wire() {}

    static byte[] header(int connId, byte kind, int param) {
        byte[] h = new byte[HEADER];
        Records.putInt(h, 0, MAGIC);
        Records.putInt(h, 4, connId);
        h[8] = kind;
        Records.putInt(h, 12, param);
        return h;
    }

    static byte[] readHeader(Net.Conn c) throws IOException {
        byte[] h = new byte[HEADER];
        readFully(c, h, 0, HEADER);
        if (Records.getInt(h, 0) != MAGIC) throw new IOException("bad connection header magic");
        return h;
    }

    static void readFully(Net.Conn c, byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = c.read(b, off, len);
            if (n < 0) throw new EOFException("EOF with " + len + " B of " + b.length + " to go");
            off += n;
            len -= n;
        }
    }
}
