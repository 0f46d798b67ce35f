package dev.tinygram.core;

/** When the receiving peer sends an ACK at once instead of waiting for its delayed-ACK timer. */
public enum AckRule {
    /** Linux {@code __tcp_ack_snd_check}: more than one {@code rcv_mss} of data is unacknowledged. */
    MORE_THAN_ONE_RCV_MSS_UNACKED,
    /** RFC 1122: at least every second full-sized segment. */
    EVERY_SECOND_FULL_SEGMENT,
    /** Windows (TcpAckFrequency 2): every second segment, whatever its size. */
    EVERY_SECOND_SEGMENT
}
