package dev.tinygram.it;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * mode=coalesce on a SocketChannel: on JDK 22+ the kernel holds the burst (TCP_CORK) until the read, so a two-write
 * request leaves as one data segment, as if written once; before JDK 22 the channel gets TCP_NODELAY and each write
 * its own segment, and the log says which is in force. Counted with ss over the timed requests, after a warm-up long
 * enough for the agent's kernel module to open (about 130 ms after start). Both modes of the channel, blocking and
 * non-blocking behind a selector.
 */
class ChannelCoalescingIT {
    static Stream<Arguments> jdksAndModes() {
        return Jdks.all().stream().flatMap(j -> Stream.of(Arguments.of(j, "--blocking"),
                Arguments.of(j, "--nonblocking")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jdksAndModes")
    void aTwoWriteRequestLeavesAsOneSegmentOnJdk22AndLater(Jdks.Jdk jdk, String channelMode) throws Exception {
        Forked.Run run = Forked.demo(jdk, "mode=coalesce", "nio-client", channelMode, "--warmup", "1500",
                "--requests", "500", "--segments");
        assertEquals(0, run.exit(), run.toString());
        Map<String, String> r = run.result();
        assertEquals("ok", r.get("integrity"), run.toString());
        double dataSegments = Double.parseDouble(r.get("data_segs_per_req"));
        System.out.printf(java.util.Locale.ROOT, "JDK %d nio-client %s mode=coalesce: %.2f data segments per"
                + " request, p50 %s ms%n", jdk.feature(), channelMode, dataSegments, r.get("p50_ms"));
        if (jdk.feature() >= 22) {
            assertTrue(run.stderr().contains("in the kernel, with TCP_CORK"), "the log says so: " + run.stderr());
            assertTrue(dataSegments <= 1.1, "within 1.1x of writing once (1 segment): " + r);
        } else {
            assertTrue(run.stderr().contains("uses TCP_NODELAY instead for SocketChannel"), run.stderr());
            assertTrue(dataSegments >= 1.9, "TCP_NODELAY: a segment per write: " + r);
        }
    }
}
