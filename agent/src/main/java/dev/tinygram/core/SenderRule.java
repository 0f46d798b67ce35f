package dev.tinygram.core;

/** Which form of Nagle's rule the sender applies to a partial (less than one MSS) segment. */
public enum SenderRule {
    /** Linux: hold a partial segment only while the last partial segment sent is unacknowledged. */
    MINSHALL,
    /** RFC 896: hold a partial segment while any sent data is unacknowledged. */
    RFC896
}
