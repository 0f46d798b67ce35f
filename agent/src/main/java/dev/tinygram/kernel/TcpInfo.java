package dev.tinygram.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The fields of Linux's {@code struct tcp_info} ({@code include/uapi/linux/tcp.h}) that tinygram uses, decoded from
 * the bytes {@code getsockopt(fd, IPPROTO_TCP, TCP_INFO)} filled in. The struct has grown with the kernel, so the
 * caller passes a buffer of {@link #BUFFER_BYTES} and the length the kernel returned: a field beyond that length is
 * {@link #ABSENT}, never read from bytes the kernel did not write. Times are as the kernel gives them: microseconds,
 * except the {@code last*} ones, in milliseconds ago. Sizes only; no payload is involved.
 *
 * @param state              the TCP state ({@code TCP_ESTABLISHED} is 1)
 * @param atoMicros          the delayed-ACK timeout, {@code tcpi_ato}
 * @param sndMss             the working send MSS, {@code tcpi_snd_mss}
 * @param rcvMss             the receive MSS estimate, {@code tcpi_rcv_mss}
 * @param unacked            segments sent and not yet acknowledged, {@code tcpi_unacked}
 * @param lastDataSentMillis how long ago data last left, {@code tcpi_last_data_sent}
 * @param lastAckRecvMillis  how long ago the last ACK came, {@code tcpi_last_ack_recv}
 * @param rttMicros          the smoothed round trip, {@code tcpi_rtt}
 * @param segsOut            segments sent, {@code tcpi_segs_out} (kernel 4.2 and later)
 * @param notsentBytes       written but not yet sent: what Nagle or a cork holds now, {@code tcpi_notsent_bytes}
 *                           (4.6 and later)
 * @param minRttMicros       the smallest round trip seen, {@code tcpi_min_rtt} (4.6 and later)
 */
public record TcpInfo(int state, long atoMicros, long sndMss, long rcvMss, long unacked, long lastDataSentMillis,
                      long lastAckRecvMillis, long rttMicros, long segsOut, long notsentBytes, long minRttMicros) {

    /** A field the kernel did not return. */
    public static final long ABSENT = -1;

    /** Larger than the struct of any kernel so far (232 B in 6.x): the kernel writes what it has. */
    public static final int BUFFER_BYTES = 512;

    /** {@code IPPROTO_TCP} and {@code TCP_INFO}, for the system call. */
    public static final int IPPROTO_TCP = 6;
    public static final int TCP_INFO = 11;

    // Offsets in the struct, from include/uapi/linux/tcp.h (TcpInfoTest compiles the header to check them).
    static final int STATE = 0;
    static final int ATO = 12;
    static final int SND_MSS = 16;
    static final int RCV_MSS = 20;
    static final int UNACKED = 24;
    static final int LAST_DATA_SENT = 44;
    static final int LAST_ACK_RECV = 56;
    static final int RTT = 68;
    static final int SEGS_OUT = 136;
    static final int NOTSENT_BYTES = 144;
    static final int MIN_RTT = 148;

    /**
     * Decodes the first {@code length} bytes of {@code bytes}, in this machine's byte order (the kernel's).
     *
     * @throws IllegalArgumentException if {@code length} is negative or beyond the buffer, or too short to hold
     *                                  the state
     */
    public static TcpInfo decode(byte[] bytes, int length) {
        if (length < 1 || length > bytes.length) {
            throw new IllegalArgumentException("TCP_INFO length " + length + " is not within the " + bytes.length
                    + " B buffer");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, length).order(ByteOrder.nativeOrder());
        return new TcpInfo(Byte.toUnsignedInt(b.get(STATE)), u32(b, ATO), u32(b, SND_MSS), u32(b, RCV_MSS),
                u32(b, UNACKED), u32(b, LAST_DATA_SENT), u32(b, LAST_ACK_RECV), u32(b, RTT), u32(b, SEGS_OUT),
                u32(b, NOTSENT_BYTES), u32(b, MIN_RTT));
    }

    /** An unsigned 32-bit field, or {@link #ABSENT} if it lies beyond what the kernel returned. */
    private static long u32(ByteBuffer b, int offset) {
        return offset + Integer.BYTES <= b.limit() ? Integer.toUnsignedLong(b.getInt(offset)) : ABSENT;
    }

    /** Whether the kernel returned {@code tcpi_notsent_bytes}: what Nagle holds now. */
    public boolean knowsHeldBytes() {
        return notsentBytes != ABSENT;
    }

    /**
     * The path's round trip as the kernel measured it: the smallest seen ({@code tcpi_min_rtt}, which is ~0 until
     * the first sample), else the smoothed one; {@link #ABSENT} if it has neither.
     */
    public long pathRttMicros() {
        if (minRttMicros > 0 && minRttMicros != NO_SAMPLE) return minRttMicros;
        return rttMicros > 0 ? rttMicros : ABSENT;
    }

    /** {@link #pathRttMicros} in nanoseconds, the model's unit; {@link #ABSENT} if it has neither. */
    public long pathRttNanos() {
        long micros = pathRttMicros();
        return micros > 0 ? micros * 1_000 : ABSENT;
    }

    /** {@code tcpi_min_rtt} before the first sample: ~0U. */
    public static final long NO_SAMPLE = 0xFFFF_FFFFL;

    /** The kernel said it holds nothing written: every byte has left, or at least been handed to the path. */
    public boolean holdsNothing() {
        return knowsHeldBytes() && notsentBytes == 0;
    }
}
