package dev.tinygram.demo;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * Wire format shared by all demos. Every message is a 16-byte header followed by a body:
 *
 * <pre>
 *   int magic   (0x54475231, "TGR1")
 *   int seq     (sequence number, starts at 0 per connection and increases by one)
 *   int length  (body length in bytes)
 *   int crc     (CRC32 of the body, truncated to 32 bits)
 *   byte[length] body
 * </pre>
 *
 * The receiving side checks magic, length bounds, sequence number and CRC of every message.
 * A bad magic or impossible length means the framing is lost: that is thrown as
 * {@link IntegrityException}. A bad CRC or unexpected sequence number is reported in
 * {@link Message#problem()} so the caller can count it and carry on.
 */
final class Codec {
    static final int MAGIC = 0x54475231;
    static final int HEADER_BYTES = 16;
    static final int MAX_BODY_BYTES = 1 << 20;

    /** Request body size used by the request/response demos. */
    static final int REQUEST_BODY_BYTES = 100;
    /** Response body size used by the request/response demos. */
    static final int RESPONSE_BODY_BYTES = 50;

    static final int REQUEST_SALT = 0x5EED_0001;
    static final int RESPONSE_SALT = 0x5EED_0002;

    private Codec() {
    }

    /** Thrown when the byte stream can no longer be parsed into messages. */
    static final class IntegrityException extends IOException {
        private static final long serialVersionUID = 1L;

        IntegrityException(String message) {
            super(message);
        }
    }

    record Header(int magic, int seq, int length, int crc) {
    }

    /** A received message; {@code problem} is null when it verified cleanly. */
    record Message(int seq, byte[] body, String problem) {
        boolean ok() {
            return problem == null;
        }
    }

    static int crc(byte[] body) {
        CRC32 crc = new CRC32();
        crc.update(body, 0, body.length);
        return (int) crc.getValue();
    }

    /** Deterministic pseudo-random payload for a given sequence number. */
    static byte[] payload(int seq, int length, int salt) {
        byte[] b = new byte[length];
        new SplittableRandom(((long) salt << 32) ^ (seq & 0xFFFF_FFFFL)).nextBytes(b);
        return b;
    }

    static byte[] requestBody(int seq) {
        return payload(seq, REQUEST_BODY_BYTES, REQUEST_SALT);
    }

    static byte[] responseBody(int seq) {
        return payload(seq, RESPONSE_BODY_BYTES, RESPONSE_SALT);
    }

    /** The 16-byte header for {@code body}. */
    static byte[] header(int seq, byte[] body) {
        return ByteBuffer.allocate(HEADER_BYTES)
                .putInt(MAGIC).putInt(seq).putInt(body.length).putInt(crc(body))
                .array();
    }

    /** Header and body in one array, for demos that send a message with a single write. */
    static byte[] encode(int seq, byte[] body) {
        byte[] frame = new byte[HEADER_BYTES + body.length];
        System.arraycopy(header(seq, body), 0, frame, 0, HEADER_BYTES);
        System.arraycopy(body, 0, frame, HEADER_BYTES, body.length);
        return frame;
    }

    /** Parses a header; throws if the framing cannot be trusted. */
    static Header parseHeader(byte[] h) throws IntegrityException {
        ByteBuffer bb = ByteBuffer.wrap(h, 0, HEADER_BYTES);
        Header header = new Header(bb.getInt(), bb.getInt(), bb.getInt(), bb.getInt());
        if (header.magic() != MAGIC) {
            throw new IntegrityException(String.format("bad magic 0x%08x (seq field %d)", header.magic(), header.seq()));
        }
        if (header.length() < 0 || header.length() > MAX_BODY_BYTES) {
            throw new IntegrityException("bad body length " + header.length() + " for seq " + header.seq());
        }
        return header;
    }

    /** Returns null when the body matches the header and the expected sequence number, else a description. */
    static String check(Header header, byte[] body, int expectedSeq) {
        if (header.seq() != expectedSeq) {
            return "sequence mismatch: expected " + expectedSeq + ", got " + header.seq();
        }
        if (body.length != header.length()) {
            return "length mismatch for seq " + header.seq();
        }
        if (crc(body) != header.crc()) {
            return "checksum mismatch for seq " + header.seq();
        }
        return null;
    }

    /**
     * Reads one message (header, then body). Returns null on a clean end of stream before the
     * first header byte; throws {@link EOFException} on a truncated message.
     */
    static Message read(InputStream in, int expectedSeq) throws IOException {
        byte[] h = new byte[HEADER_BYTES];
        if (!readFully(in, h, true)) {
            return null;
        }
        Header header = parseHeader(h);
        byte[] body = new byte[header.length()];
        readFully(in, body, false);
        return new Message(header.seq(), body, check(header, body, expectedSeq));
    }

    /** Reads a response and throws if the peer closed the connection instead. */
    static Message readResponse(InputStream in, int expectedSeq) throws IOException {
        Message m = read(in, expectedSeq);
        if (m == null) {
            throw new EOFException("peer closed the connection while a response for seq " + expectedSeq + " was expected");
        }
        return m;
    }

    /** Fills {@code buf}; returns false only if {@code eofOk} and the stream ended before the first byte. */
    static boolean readFully(InputStream in, byte[] buf, boolean eofOk) throws IOException {
        int off = 0;
        while (off < buf.length) {
            int n = in.read(buf, off, buf.length - off);
            if (n < 0) {
                if (off == 0 && eofOk) {
                    return false;
                }
                throw new EOFException("stream ended after " + off + " of " + buf.length + " bytes");
            }
            off += n;
        }
        return true;
    }
}
