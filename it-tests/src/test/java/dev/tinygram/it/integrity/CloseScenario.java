package dev.tinygram.it.integrity;

import static dev.tinygram.it.integrity.Harness.at;
import static dev.tinygram.it.integrity.Harness.writeRecord;

import dev.tinygram.it.integrity.Harness.Ctx;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code close}: small (sometimes large) records, then close at once without reading (or after shutdownOutput, or
 * a short pause): the server must count and digest exactly the bytes written.
 */
final class CloseScenario implements Scenario {
    @Override
    public String label() {
        return "close";
    }

    @Override
    public Runs runs() {
        return Runs.BASE;
    }

    @Override
    public String run(Harness h, Ctx x) throws Exception {
        int n = 1 + x.r.nextInt(64);
        boolean smallOnly = x.r.nextInt(3) != 0;
        int variant = x.r.nextInt(10);
        String how = variant < 6 ? "close at once" : variant < 8 ? "shutdownOutput, close" : "pause, close";
        x.detail = n + " records" + (smallOnly ? " (small)" : " (mixed sizes)") + ", " + how;
        Net.Conn c = h.open(x, Wire.SINK, 0);
        MessageDigest md = LocalServer.sha256();
        long bytes = 0;
        try {
            for (int seq = 0; seq < n; seq++) {
                byte[] rec = Records.build(x.connSeed, 0, seq,
                        Records.payloadSize(x.connSeed, 0, seq, Math.min(h.maxWrite, 70_000), smallOnly));
                md.update(rec);
                writeRecord(c, rec, x.r);
                bytes += rec.length;
            }
            if (variant >= 6 && variant < 8) c.shutdownOutput();
            if (variant >= 8) LockSupport.parkNanos(x.r.nextInt(2_000_000));
            c.close();
        } catch (IOException e) {
            h.sawException(this, e);
            return "unexpected " + LocalServer.describe(e) + at(e) + " after " + bytes + " B";
        }
        LocalServer.Outcome o;
        try {
            o = h.server.outcome(x.id).get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return "the server did not reach EOF within 10 s of the close (" + bytes + " B written)";
        }
        if (o.error() != null) return "server: " + o.error();
        String digest = HexFormat.of().formatHex(md.digest());
        if (o.bytes() != bytes || !digest.equals(o.sha256())) {
            return "the server received " + o.bytes() + " B sha256 " + o.sha256() + ", the client wrote " + bytes
                    + " B sha256 " + digest;
        }
        h.verified(n, bytes);
        return null;
    }
}
