package dev.tinygram.kernel;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Linux's struct tcp_info, decoded: the fields at their offsets, and nothing beyond what the kernel returned. */
class TcpInfoTest {
    @TempDir
    Path dir;

    /** A struct as a kernel of today fills it: each field holds a value of its own. */
    private static byte[] filled() {
        ByteBuffer b = ByteBuffer.allocate(TcpInfo.BUFFER_BYTES).order(ByteOrder.nativeOrder());
        b.put(TcpInfo.STATE, (byte) 1);
        b.putInt(TcpInfo.ATO, 40_000);
        b.putInt(TcpInfo.SND_MSS, 32_768);
        b.putInt(TcpInfo.RCV_MSS, 536);
        b.putInt(TcpInfo.UNACKED, 2);
        b.putInt(TcpInfo.LAST_DATA_SENT, 3);
        b.putInt(TcpInfo.LAST_ACK_RECV, 4);
        b.putInt(TcpInfo.RTT, 51);
        b.putInt(TcpInfo.SEGS_OUT, 77);
        b.putInt(TcpInfo.NOTSENT_BYTES, 100);
        b.putInt(TcpInfo.MIN_RTT, 0xFFFF_FFF0);   // unsigned: not a negative number
        return b.array();
    }

    @Test
    void eachFieldIsReadFromItsOffset() {
        TcpInfo i = TcpInfo.decode(filled(), 232);
        assertEquals(new TcpInfo(1, 40_000, 32_768, 536, 2, 3, 4, 51, 77, 100, 0xFFFF_FFF0L), i);
        assertTrue(i.knowsHeldBytes());
    }

    @Test
    void fieldsBeyondTheLengthTheKernelReturnedAreAbsent() {
        TcpInfo old = TcpInfo.decode(filled(), 104);   // a 2.6 kernel's struct ends with tcpi_total_retrans
        assertEquals(32_768, old.sndMss());
        assertEquals(TcpInfo.ABSENT, old.segsOut());
        assertEquals(TcpInfo.ABSENT, old.notsentBytes());
        assertEquals(TcpInfo.ABSENT, old.minRttMicros());
        assertFalse(old.knowsHeldBytes());
        TcpInfo upTo = TcpInfo.decode(filled(), 148);   // notsent_bytes in, min_rtt just out
        assertEquals(100, upTo.notsentBytes());
        assertEquals(TcpInfo.ABSENT, upTo.minRttMicros());
    }

    @Test
    void thePathsRoundTripIsTheSmallestSeenOnceSampledElseTheSmoothedOne() {
        TcpInfo unsampled = new TcpInfo(1, 40_000, 1448, 536, 0, 0, 0, 20_500, 1, 0, TcpInfo.NO_SAMPLE);
        assertEquals(20_500, unsampled.pathRttMicros(), "min_rtt is ~0U before the first sample");
        TcpInfo sampled = new TcpInfo(1, 40_000, 1448, 536, 0, 0, 0, 20_500, 1, 0, 20_100);
        assertEquals(20_100, sampled.pathRttMicros());
        TcpInfo none = new TcpInfo(1, 40_000, 1448, 536, 0, 0, 0, 0, 1, 0, TcpInfo.ABSENT);
        assertEquals(TcpInfo.ABSENT, none.pathRttMicros());
        assertEquals(20_100_000, sampled.pathRttNanos(), "the same in the model's unit");
        assertEquals(TcpInfo.ABSENT, none.pathRttNanos());
    }

    @Test
    void holdingNothingNeedsTheKernelToSaySo() {
        assertTrue(new TcpInfo(1, 0, 1448, 536, 0, 0, 0, 1, 1, 0, 1).holdsNothing());
        assertFalse(new TcpInfo(1, 0, 1448, 536, 1, 0, 0, 1, 1, 100, 1).holdsNothing());
        assertFalse(TcpInfo.decode(filled(), 104).holdsNothing(), "a kernel without notsent_bytes says nothing");
    }

    @Test
    void aLengthOutsideTheBufferIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TcpInfo.decode(new byte[10], 11));
        assertTrue(e.getMessage().contains("TCP_INFO length 11"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TcpInfo.decode(new byte[10], 0));
    }

    /** The offsets are this machine's kernel header's: a C program prints them (where gcc and the header are). */
    @Test
    void theOffsetsAreThoseOfTheKernelHeader() throws Exception {
        Path header = Path.of("/usr/include/linux/tcp.h");
        assumeTrue(Files.isRegularFile(header) && onPath("gcc"), "no gcc or no linux/tcp.h here");
        Path source = dir.resolve("offsets.c");
        Files.writeString(source, String.join("\n", List.of(
                "#include <stdio.h>", "#include <stddef.h>", "#include <linux/tcp.h>",
                "#define P(f) printf(#f \" %zu\\n\", offsetof(struct tcp_info, f))",
                "int main(void) { P(tcpi_state); P(tcpi_ato); P(tcpi_snd_mss); P(tcpi_rcv_mss); P(tcpi_unacked);",
                "  P(tcpi_last_data_sent); P(tcpi_last_ack_recv); P(tcpi_rtt); P(tcpi_segs_out);",
                "  P(tcpi_notsent_bytes); P(tcpi_min_rtt); printf(\"size %zu\\n\", sizeof(struct tcp_info));",
                "  return 0; }", "")));
        Path binary = dir.resolve("offsets");
        run(List.of("gcc", "-o", binary.toString(), source.toString()));
        Map<String, Integer> offsets = new HashMap<>();
        for (String line : run(List.of(binary.toString())).split("\n")) {
            String[] kv = line.trim().split(" ");
            offsets.put(kv[0], Integer.parseInt(kv[1]));
        }
        assertEquals(TcpInfo.STATE, offsets.get("tcpi_state"));
        assertEquals(TcpInfo.ATO, offsets.get("tcpi_ato"));
        assertEquals(TcpInfo.SND_MSS, offsets.get("tcpi_snd_mss"));
        assertEquals(TcpInfo.RCV_MSS, offsets.get("tcpi_rcv_mss"));
        assertEquals(TcpInfo.UNACKED, offsets.get("tcpi_unacked"));
        assertEquals(TcpInfo.LAST_DATA_SENT, offsets.get("tcpi_last_data_sent"));
        assertEquals(TcpInfo.LAST_ACK_RECV, offsets.get("tcpi_last_ack_recv"));
        assertEquals(TcpInfo.RTT, offsets.get("tcpi_rtt"));
        assertEquals(TcpInfo.SEGS_OUT, offsets.get("tcpi_segs_out"));
        assertEquals(TcpInfo.NOTSENT_BYTES, offsets.get("tcpi_notsent_bytes"));
        assertEquals(TcpInfo.MIN_RTT, offsets.get("tcpi_min_rtt"));
        assertTrue(offsets.get("size") <= TcpInfo.BUFFER_BYTES, "the buffer holds this kernel's struct: " + offsets);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) return true;
        }
        return false;
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + command);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), command + ": " + out);
        return out;
    }
}
