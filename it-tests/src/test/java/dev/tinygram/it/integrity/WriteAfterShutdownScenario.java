package dev.tinygram.it.integrity;

import static dev.tinygram.it.integrity.Harness.writeRecord;

import dev.tinygram.it.integrity.Harness.Ctx;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code write-after-shutdown}: records, shutdownOutput, then one more small write: the JDK throws at that write
 * (EPIPE). Required: an IOException reaches the application by its next operation (the write, else the close), and
 * the server got exactly the bytes before the shutdown. Where it was thrown is counted.
 */
final class WriteAfterShutdownScenario implements Scenario {
    @Override
    public String label() {
        return "write-after-shutdown";
    }

    @Override
    public Runs runs() {
        return Runs.EXTRA;
    }

    @Override
    public String run(Harness h, Ctx x) throws Exception {
        int n = x.r.nextInt(8);
        x.detail = n + " records, shutdownOutput, one more small write, close";
        Net.Conn c = h.open(x, Wire.SINK, 0);
        MessageDigest md = LocalServer.sha256();
        long bytes = Harness.writeRecords(x, c, n, md);
        c.shutdownOutput();
        byte[] late = Records.build(x.connSeed, 0, n, 1 + x.r.nextInt(100));
        String where = null;
        try {
            writeRecord(c, late, x.r);
        } catch (IOException e) {
            where = "write";
            h.sawException(this, e);
            h.sawException(this, "thrown at the write itself");
        }
        if (where == null && x.r.nextBoolean()) LockSupport.parkNanos(3_000_000);   // a timed flush, if any
        try {
            c.close();
        } catch (IOException e) {
            if (where == null) {
                where = "close";
                h.sawException(this, e);
                h.sawException(this, "thrown only at the close after it");
            }
        }
        LocalServer.Outcome o;
        try {
            o = h.server.outcome(x.id).get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return "the server did not reach EOF within 10 s";
        }
        if (o.error() != null) return "server: " + o.error();
        String digest = HexFormat.of().formatHex(md.digest());
        if (o.bytes() != bytes || !digest.equals(o.sha256())) {
            return "the server received " + o.bytes() + " B sha256 " + o.sha256() + ", the client wrote " + bytes
                    + " B before shutdownOutput, sha256 " + digest;
        }
        if (where == null) {
            return "a " + late.length + " B write after shutdownOutput returned normally, and neither it nor the"
                    + " close after it threw: the bytes were dropped silently";
        }
        return null;
    }
}
