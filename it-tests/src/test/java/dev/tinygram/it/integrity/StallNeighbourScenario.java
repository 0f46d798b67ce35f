package dev.tinygram.it.integrity;

import static dev.tinygram.it.integrity.Harness.NEIGHBOUR_ID;
import static dev.tinygram.it.integrity.Harness.ms;
import static dev.tinygram.it.integrity.Harness.what;
import static dev.tinygram.it.integrity.Harness.writeRecord;

import dev.tinygram.it.integrity.Harness.Ctx;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code stall-neighbour}: connection A's peer stops reading and its writer blocks ({@link StallWriter}); meanwhile
 * a small write on a second connection B, which nobody reads after, must still reach its server within 1 s: one
 * stuck peer must not hold up the rest.
 */
final class StallNeighbourScenario extends StallScenario {
    @Override
    public String label() {
        return "stall-neighbour";
    }

    @Override
    public Runs runs() {
        return Runs.EXTRA;
    }

    @Override
    String detail() {
        return "peer of connection A stops reading, A's writer blocks; B writes one small record and waits";
    }

    @Override
    String whileBlocked(Harness h, Ctx x, Net.Conn a, StallWriter w) throws Exception {
        Net.Conn b = h.connectOther(x);
        byte[] rec = Records.build(x.connSeed, 7, 0, 1 + x.r.nextInt(200));
        h.header(x, b, x.id + NEIGHBOUR_ID, Wire.COUNT, rec.length);
        writeRecord(b, rec, x.r);
        long wrote = System.nanoTime();
        String failure = null;
        LocalServer.Outcome o = null;
        try {
            o = h.server.outcome(x.id + NEIGHBOUR_ID).get(1, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            failure = "a " + (16 + rec.length) + " B write on connection B did not reach its server within 1 s"
                    + " while connection A's writer was blocked";
        }
        h.server.release(x.id);
        if (o == null) {
            try {
                o = h.server.outcome(x.id + NEIGHBOUR_ID).get(10, TimeUnit.SECONDS);
                failure += " (it arrived " + ms(System.nanoTime() - wrote) + " ms after the write, once A's peer"
                        + " read again)";
            } catch (TimeoutException e) {
                failure += " (nor within 10 s, after A's peer read again)";
            }
        }
        w.stop = true;
        if (!w.done.await(10, TimeUnit.SECONDS)) {
            return (failure == null ? "" : failure + "; ") + "A's writer still blocked 10 s after its peer read again";
        }
        if (failure != null) return failure;
        if (o.error() != null) return "server B: " + o.error();
        String digest = HexFormat.of().formatHex(LocalServer.sha256().digest(rec));
        if (!digest.equals(o.sha256())) return "server B received other bytes than the record written";
        if (w.end.get() != null) return "A's writer failed: " + what(w.end.get());
        return null;
    }
}
