package dev.tinygram.fix;

import dev.tinygram.core.Burst;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The coalescer's events as these tests drive them, each answered as one value to assert on: a write returns
 * {@code Boolean.TRUE} when buffered, null when the JDK write goes ahead, or the IOException it throws; a flush
 * for a cause returns the IOException to throw, or null. The writes are not a burst's lone first write, which
 * the tracker decides on (see {@code CoalescingRuleTest}).
 */
final class CoalescerCalls {
    /** A later write of a burst, with no reader waiting: coalescing decides on the bytes alone. */
    static final Burst MID_BURST = new Burst(false, 2, 0);

    private CoalescerCalls() {}

    static Object write(Coalescer c, Object socket, ByteBuffer data) {
        try {
            byte[] bytes = new byte[data.remaining()];
            data.duplicate().get(bytes);
            Coalescer.Verdict v = c.write(socket, bytes, 0, bytes.length, MID_BURST);
            if (v == Coalescer.Verdict.BUFFERED) data.position(data.limit());
            return v == Coalescer.Verdict.BUFFERED ? Boolean.TRUE : null;
        } catch (IOException e) {
            return e;
        }
    }

    static IOException flush(Coalescer c, Object socket, CoalesceStats.Cause cause) {
        switch (cause) {
            case READ: return c.beforeRead(socket);
            case CLOSE: return c.closing(socket);
            case SHUTDOWN: return c.outputShuttingDown(socket);
            default: return c.explicitFlush(socket);
        }
    }
}
