package dev.tinygram.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CodecTest {

    @Test
    void roundTripOfSeveralMessages() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int seq = 0; seq < 3; seq++) {
            byte[] body = Codec.requestBody(seq);
            bytes.write(Codec.header(seq, body)); // header and body written separately ...
            bytes.write(body);
        }
        ByteArrayInputStream in = new ByteArrayInputStream(bytes.toByteArray());
        for (int seq = 0; seq < 3; seq++) {
            Codec.Message m = Codec.read(in, seq);
            assertNotNull(m);
            assertTrue(m.ok(), m.problem());
            assertEquals(seq, m.seq());
            assertArrayEquals(Codec.requestBody(seq), m.body()); // ... and read back as one message
        }
        assertNull(Codec.read(in, 3), "clean end of stream");
    }

    @Test
    void encodeEqualsHeaderPlusBody() {
        byte[] body = Codec.responseBody(5);
        byte[] frame = Codec.encode(5, body);
        assertEquals(Codec.HEADER_BYTES + Codec.RESPONSE_BODY_BYTES, frame.length);
        assertArrayEquals(Codec.header(5, body), Arrays.copyOf(frame, Codec.HEADER_BYTES));
    }

    @Test
    void payloadIsDeterministicPerSequence() {
        assertArrayEquals(Codec.requestBody(7), Codec.requestBody(7));
        assertTrue(!Arrays.equals(Codec.requestBody(7), Codec.requestBody(8)));
        assertTrue(!Arrays.equals(Codec.requestBody(7), Codec.payload(7, Codec.REQUEST_BODY_BYTES, Codec.RESPONSE_SALT)));
    }

    @Test
    void corruptedBodyIsDetected() throws IOException {
        byte[] frame = Codec.encode(0, Codec.requestBody(0));
        frame[Codec.HEADER_BYTES + 42] ^= 0x01; // flip one bit of the body
        Codec.Message m = Codec.read(new ByteArrayInputStream(frame), 0);
        assertTrue(!m.ok());
        assertTrue(m.problem().contains("checksum"), m.problem());
    }

    @Test
    void corruptedChecksumIsDetected() throws IOException {
        byte[] frame = Codec.encode(0, Codec.requestBody(0));
        frame[15] ^= (byte) 0x80;
        assertTrue(!Codec.read(new ByteArrayInputStream(frame), 0).ok());
    }

    @Test
    void unexpectedSequenceIsDetected() throws IOException {
        byte[] frame = Codec.encode(4, Codec.requestBody(4));
        Codec.Message m = Codec.read(new ByteArrayInputStream(frame), 3);
        assertTrue(!m.ok());
        assertTrue(m.problem().contains("sequence"), m.problem());
    }

    @Test
    void badMagicAndBadLengthLoseFraming() {
        byte[] frame = Codec.encode(0, Codec.requestBody(0));
        frame[0] ^= 0x10;
        assertThrows(Codec.IntegrityException.class, () -> Codec.read(new ByteArrayInputStream(frame), 0));

        byte[] frame2 = Codec.encode(0, Codec.requestBody(0));
        frame2[8] = (byte) 0x7f; // body length far beyond the limit
        assertThrows(Codec.IntegrityException.class, () -> Codec.read(new ByteArrayInputStream(frame2), 0));
    }

    @Test
    void truncatedMessageIsAnError() {
        byte[] frame = Codec.encode(0, Codec.requestBody(0));
        byte[] cut = Arrays.copyOf(frame, frame.length - 1);
        assertThrows(EOFException.class, () -> Codec.read(new ByteArrayInputStream(cut), 0));
        byte[] cutHeader = Arrays.copyOf(frame, 5);
        assertThrows(EOFException.class, () -> Codec.read(new ByteArrayInputStream(cutHeader), 0));
    }

    @Test
    void integrityCountsFailuresWithoutPrintingPayload() throws IOException {
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        Integrity integrity = new Integrity("test", new PrintStream(errBytes, true));
        byte[] frame = Codec.encode(0, Codec.requestBody(0));
        frame[Codec.HEADER_BYTES] ^= 0x01;
        assertTrue(!integrity.verify("server", Codec.read(new ByteArrayInputStream(frame), 0)));
        assertTrue(integrity.verify("server", Codec.read(new ByteArrayInputStream(Codec.encode(1, Codec.requestBody(1))), 1)));
        assertEquals(1, integrity.failures());
        assertEquals(1, integrity.exitStatus());
        Result r = new Result("test");
        integrity.appendTo(r);
        assertEquals("RESULT demo=test integrity=failed integrity_failures=1", r.toString());
        assertTrue(errBytes.toString().contains("checksum mismatch"));
    }
}
