package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/** {@code NioSocketImpl.write(byte[], int, int)} and {@code SocketChannelImpl.blockingWriteFully}: all is written. */
public final class SocketWriteAdvice {
    private SocketWriteAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object connection, @Advice.Argument(2) int length) {
        if (length > 0) TinygramBridge.write(connection, length);
    }
}
