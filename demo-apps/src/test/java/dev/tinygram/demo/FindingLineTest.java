package dev.tinygram.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which line of a child's stderr the tour shows for a stalling demo. Lines as the agent writes them. */
class FindingLineTest {
    private static final String START = "INFO tinygram - tinygram 0.1.0-SNAPSHOT: mode=observe, profile=linux;"
            + " hooked 23 methods on JDK 17; self-test passed; ready in 425 ms";
    private static final String INBOUND = "inbound write-write-read stall at dev.tinygram.demo.Codec.readFully"
            + "(Codec.java:152) on socket 127.0.0.1:51850 <- 127.0.0.1:36555: the peer's request arrived as [16, 50] B,"
            + " its last 50 B held by the peer's Nagle behind our delayed ACK; measured wait 39.6 ms (predicted 40.0"
            + " ms). Fix: run tinygram with quickack=flagged (or quickack=all) on this side, so its ACK goes at once";
    private static final String UNCONFIRMED = "write-write-read stall at dev.tinygram.demo.TlsClient.lambda$run$0"
            + "(TlsClient.java:110) on socket 127.0.0.1:41372 -> 127.0.0.1:42195: writes [90, 54, 138] B, 192 B held"
            + " by Nagle behind the peer's delayed ACK; predicted stall 25.7 ms over writing once (read wait up to 186"
            + " ms), measured wait 13.3 ms (not confirmed: the read waited less). Fix: write the message with one write";
    private static final String CONFIRMED = "write-write-read stall at dev.tinygram.demo.TlsClient.lambda$run$0"
            + "(TlsClient.java:111) on socket 127.0.0.1:41372 -> 127.0.0.1:42195: writes [54, 138] B, 138 B held by"
            + " Nagle behind the peer's delayed ACK; predicted stall 38.5 ms over writing once (read wait up to 200"
            + " ms), measured wait 41.0 ms (confirmed). Fix: write the message with one write";
    private static final String THROTTLED = "WARN tinygram - 3 more write-write-read at dev.tinygram.demo.TlsClient"
            + ".lambda$run$0(TlsClient.java:111) in the last 10 s, 120.0 ms spent waiting";

    @Test
    void picksTheConfirmedFindingOfTheKindWithoutTheLoggersPrefix() {
        List<String> stderr = List.of(START, "WARN tinygram - " + INBOUND, "WARN tinygram - " + UNCONFIRMED,
                THROTTLED, "WARN tinygram - " + CONFIRMED, "RESULT demo=tls-client");
        assertEquals(CONFIRMED, FindingLine.pick(stderr, FindingLine.OUTBOUND));
        assertEquals(INBOUND, FindingLine.pick(stderr, FindingLine.INBOUND));
    }

    @Test
    void fallsBackToTheFirstFindingWhenNoneIsConfirmed() {
        List<String> stderr = List.of(START, "WARN tinygram - " + UNCONFIRMED,
                "WARN tinygram - " + UNCONFIRMED.replace("TlsClient.java:110", "TlsClient.java:120"));
        assertEquals(UNCONFIRMED, FindingLine.pick(stderr, FindingLine.OUTBOUND));
    }

    /** An inbound line contains the outbound words, after "inbound ": it must not stand for an outbound one. */
    @Test
    void noLineOfTheKindIsNull() {
        assertNull(FindingLine.pick(List.of(START, "WARN tinygram - " + INBOUND, THROTTLED), FindingLine.OUTBOUND));
        assertNull(FindingLine.pick(List.of("write-write-read stall at X. Fix: y"), FindingLine.OUTBOUND),
                "not the agent's log");
        assertNull(FindingLine.pick(List.of(), FindingLine.INBOUND));
    }
}
