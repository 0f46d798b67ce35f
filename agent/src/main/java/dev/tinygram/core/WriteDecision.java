package dev.tinygram.core;

/**
 * What one write did.
 *
 * @param bytesSentNow bytes that left at this write, including earlier held bytes that went with them
 * @param bytesHeld    bytes held in the send queue after this write
 * @param reason       why the tail of the write left or was held
 */
public record WriteDecision(long bytesSentNow, long bytesHeld, WriteReason reason) {
    public boolean held() {
        return bytesHeld > 0;
    }
}
