package dev.tinygram.it.integrity;

import static dev.tinygram.it.integrity.Harness.at;
import static dev.tinygram.it.integrity.Harness.firstReadFailure;
import static dev.tinygram.it.integrity.Harness.pickReadSize;
import static dev.tinygram.it.integrity.Harness.writeRecord;

import dev.tinygram.it.integrity.Harness.Ctx;
import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code lockstep}: one thread writes a batch of records then reads exactly their echo, with pauses that let the
 * agent's flush timer fire; then half-close and an EOF with nothing extra.
 */
final class LockstepScenario implements Scenario {
    @Override
    public String label() {
        return "lockstep";
    }

    @Override
    public Runs runs() {
        return Runs.BASE;
    }

    @Override
    public String run(Harness h, Ctx x) throws Exception {
        int max = Math.min(h.maxWrite, 70_000);
        int rounds = 1 + x.r.nextInt(8);
        x.detail = rounds + " rounds";
        Net.Conn c = h.open(x, Wire.ECHO, 0);
        Records.Verifier v = new Records.Verifier(x.connSeed, 1, max, false);
        byte[] buf = new byte[100_000];
        long seq = 0;
        try {
            for (int round = 0; round < rounds; round++) {
                int k = 1 + x.r.nextInt(8);
                long batch = 0;
                for (int i = 0; i < k; i++) {
                    int size = Records.payloadSize(x.connSeed, 0, seq, max, false) + Records.OVERHEAD;
                    if (batch > 0 && batch + size > 80_000) break;
                    writeRecord(c, Records.build(x.connSeed, 0, seq, size - Records.OVERHEAD), x.r);
                    batch += size;
                    seq++;
                    if (x.r.nextInt(20) == 0) LockSupport.parkNanos(x.r.nextInt(3_000_000));
                }
                if (x.r.nextInt(10) == 0) LockSupport.parkNanos(x.r.nextInt(3_000_000));   // nobody reads yet
                long got = 0;
                while (got < batch) {
                    int n = c.read(buf, 0, (int) Math.min(pickReadSize(x.r), Math.min(buf.length, batch - got)));
                    if (n < 0) return "EOF after " + got + " of the " + batch + " B echo of round " + round;
                    got += n;
                    v.feed(buf, 0, n);
                }
                if (v.failure() != null) return v.failure();
                if (v.received(0) != seq || v.partial() != 0) {
                    return "round " + round + ": " + v.received(0) + " of " + seq + " records back, " + v.partial()
                            + " B of a partial record";
                }
            }
        } catch (IOException e) {
            h.sawException(this, e);
            return "unexpected " + LocalServer.describe(e) + at(e) + " after " + v.records() + " of " + seq
                    + " records" + firstReadFailure(v);
        } finally {
            h.verified(v.records(), v.bytes());
        }
        try {
            if (x.r.nextInt(10) < 7) {
                c.shutdownOutput();
                int n = c.read(buf, 0, buf.length);
                if (n >= 0) return n + " B more after the last echo, where EOF was due";
            }
            c.close();
        } catch (IOException e) {
            h.sawException(this, e);
            return "unexpected " + LocalServer.describe(e) + at(e) + " at the end";
        }
        return h.serverError(x);
    }
}
