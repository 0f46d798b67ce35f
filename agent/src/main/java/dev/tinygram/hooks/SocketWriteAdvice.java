package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/**
 * {@code NioSocketImpl.write(byte[], int, int)} and {@code SocketChannelImpl.blockingWriteFully}: the whole array
 * is written. In mode=coalesce the bytes may be buffered instead, and the JDK write skipped. Not suppressed: a
 * failed earlier flush must reach the application as its IOException; the bridge itself never throws.
 */
public final class SocketWriteAdvice {
    private SocketWriteAdvice() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.This Object connection, @Advice.Argument(0) byte[] bytes,
                         @Advice.Argument(1) int offset, @Advice.Argument(2) int length) throws Throwable {
        if (length <= 0 || bytes == null) return false;
        Object verdict = TinygramBridge.streamWrite(connection, bytes, offset, length);
        if (verdict instanceof Throwable) throw (Throwable) verdict;
        return verdict != null;
    }
}
