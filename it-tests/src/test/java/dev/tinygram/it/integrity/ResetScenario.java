package dev.tinygram.it.integrity;

import static dev.tinygram.it.integrity.Harness.writeRecord;

import dev.tinygram.it.integrity.Harness.Ctx;
import java.io.IOException;

/**
 * {@code reset}: the server reads some bytes then resets; the client writes (and sometimes reads) and must get an
 * IOException within the reset deadline (--reset-deadline-ms, 10 s).
 */
final class ResetScenario implements Scenario {
    @Override
    public String label() {
        return "reset";
    }

    @Override
    public Runs runs() {
        return Runs.BASE;
    }

    /** The reset deadline: the IOException must come within it. */
    @Override
    public long deadlineMs(Harness h) {
        return h.resetDeadlineMs;
    }

    /**
     * Once the server has reset, bytes stop moving until the IOException comes; without one the connection must fail
     * as "no IOException" at the reset deadline, not as a hang.
     */
    @Override
    public boolean mayStandStill() {
        return true;
    }

    @Override
    public String overDeadline(Harness h, Ctx x) {
        return "no IOException within " + h.resetDeadlineMs + " ms of the start";
    }

    @Override
    public boolean serverResets() {
        return true;
    }

    @Override
    public String run(Harness h, Ctx x) throws Exception {
        int after = x.r.nextInt(4) == 0 ? 0 : x.r.nextInt(16384);
        int readMode = x.r.nextInt(3);
        x.detail = "server resets after " + after + " B, client "
                + (readMode == 0 ? "only writes" : readMode == 1 ? "writes, sometimes reads" : "writes then reads");
        Net.Conn c = h.open(x, Wire.RESET, after);
        byte[] buf = new byte[4096];
        long written = 0;
        int eofs = 0;
        int records = 0;
        try {
            for (long seq = 0; ; seq++) {
                byte[] rec = Records.build(x.connSeed, 0, seq,
                        Records.payloadSize(x.connSeed, 0, seq, 4096, x.r.nextInt(4) != 0));
                writeRecord(c, rec, x.r);
                written += rec.length;
                records++;
                boolean read = written >= after && (readMode == 2 || (readMode == 1 && x.r.nextInt(5) == 0));
                if (read && c.read(buf, 0, buf.length) < 0) eofs++;
                if (x.expired) {
                    return "no IOException: the client wrote " + written + " B in " + records + " records, reads saw "
                            + eofs + " EOFs";
                }
            }
        } catch (IOException e) {
            if (x.expired) return null;   // the watchdog's own abort, reported as the expiry
            h.sawException(this, e);
            return h.serverError(x);
        }
    }
}
