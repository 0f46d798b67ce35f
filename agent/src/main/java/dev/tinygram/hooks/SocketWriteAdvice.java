package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/**
 * {@code NioSocketImpl.write(byte[], int, int)} and {@code SocketChannelImpl.blockingWriteFully}: the whole array
 * is written. In mode=coalesce the bytes may be buffered instead, and the JDK write skipped. Not suppressed: a
 * failed earlier send must reach the application as its IOException; the bridge itself throws nothing else.
 */
public final class SocketWriteAdvice {
    private SocketWriteAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.This Object connection, @Advice.Argument(0) byte[] bytes,
                         @Advice.Argument(1) int offset, @Advice.Argument(2) int length) throws java.io.IOException {
        if (length <= 0 || bytes == null) return false;
        return TinygramBridge.writing(connection, bytes, offset, length);
    }
}
