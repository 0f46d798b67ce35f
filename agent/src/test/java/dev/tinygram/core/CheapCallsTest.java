package dev.tinygram.core;

import static dev.tinygram.core.Models.ms;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The agent feeds the model through calls that allocate nothing ({@code onWriteHeld}, {@code onReadEndUnreported});
 * they must leave the model exactly where the reporting calls leave it.
 */
class CheapCallsTest {

    @Test
    void cheapAndReportingCallsDriveTheModelAlike() {
        for (Profile profile : java.util.List.of(Profile.LINUX, Profile.RFC896, Profile.WINDOWS)) {
            ConnectionModel reporting = Models.fresh(profile, Models.ETHERNET_MSS, 0.2);
            ConnectionModel cheap = Models.fresh(profile, Models.ETHERNET_MSS, 0.2);
            Random r = new Random(42);
            long now = 0;
            for (int i = 0; i < 2_000; i++) {
                now += ms(r.nextDouble() * (r.nextInt(10) == 0 ? 80 : 0.5));
                switch (r.nextInt(4)) {
                    case 0, 1 -> {
                        long bytes = 1 + r.nextInt(r.nextBoolean() ? 200 : 5_000);
                        assertEquals(reporting.onWrite(now, bytes).held(), cheap.onWriteHeld(now, bytes),
                                profile + " write " + i);
                    }
                    case 2 -> assertEquals(reporting.onReadStart(now), cheap.onReadStart(now), profile + " read " + i);
                    default -> {
                        long bytes = r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(1_000);
                        reporting.onReadEnd(now, bytes);
                        cheap.onReadEndUnreported(now, bytes);
                    }
                }
                assertEquals(reporting.heldBytes(), cheap.heldBytes(), profile + " after event " + i);
            }
        }
    }

    @Test
    void aReadEndNeverStartedWaitedNothing() {
        ConnectionModel m = Models.loopback(Profile.LINUX);
        m.onWrite(0, 100);
        ReadOutcome o = m.onReadEnd(ms(5), 10);
        assertEquals(0, o.waitNanos(), "a read end with no start is taken to have started then");
        assertNotNull(o.prediction());
    }

    @Test
    void waitIsMeasuredFromTheReadStart() {
        ConnectionModel m = Models.loopback(Profile.LINUX);
        m.onWrite(0, 100);
        m.onReadStart(ms(1));
        assertEquals(ms(3), m.onReadEnd(ms(4), 10).waitNanos());
    }
}
