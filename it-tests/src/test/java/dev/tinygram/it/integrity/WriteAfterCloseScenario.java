package dev.tinygram.it.integrity;

import dev.tinygram.it.integrity.Harness.Ctx;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code write-after-close}: records, close, one more write: the JDK throws (socket closed), and the server got
 * exactly what came before. Runs alone.
 */
final class WriteAfterCloseScenario implements Scenario {
    @Override
    public String label() {
        return "write-after-close";
    }

    @Override
    public Runs runs() {
        return Runs.ALONE;
    }

    @Override
    public String run(Harness h, Ctx x) throws Exception {
        int n = x.r.nextInt(8);
        x.detail = n + " records, close, one more small write";
        Net.Conn c = h.open(x, Wire.SINK, 0);
        MessageDigest md = LocalServer.sha256();
        long bytes = Harness.writeRecords(x, c, n, md);
        c.close();
        byte[] late = Records.build(x.connSeed, 0, n, 1 + x.r.nextInt(100));
        String failure = null;
        try {
            c.write(late, 0, late.length);
            c.flush();
            failure = "a " + late.length + " B write after close() returned normally";
        } catch (IOException e) {
            h.sawException(this, e);
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
                    + " B before close, sha256 " + digest;
        }
        return failure;
    }
}
