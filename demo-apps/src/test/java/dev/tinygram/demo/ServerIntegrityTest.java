package dev.tinygram.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** A corrupted request reaching a real server handler is counted and fails the run. */
class ServerIntegrityTest {

    @Test
    void serverCountsCorruptedRequest() throws Exception {
        Integrity integrity = new Integrity("test", new PrintStream(new ByteArrayOutputStream(), true));
        try (DemoServer server = DemoServer.start("test", Net.listen(),
                DemoServer.oneWriteResponder(integrity), integrity);
             Socket s = Net.connect(server.port())) {
            s.setTcpNoDelay(true);
            byte[] good = Codec.encode(0, Codec.requestBody(0));
            s.getOutputStream().write(good);
            assertTrue(Codec.readResponse(s.getInputStream(), 0).ok());

            byte[] bad = Codec.encode(1, Codec.requestBody(1));
            bad[Codec.HEADER_BYTES + 3] ^= 0x40;
            s.getOutputStream().write(bad);
            assertTrue(Codec.readResponse(s.getInputStream(), 1).ok(), "server still answers");
        }
        assertEquals(1, integrity.failures());
        assertEquals(0, integrity.errors());
        assertEquals(1, integrity.exitStatus());
    }
}
