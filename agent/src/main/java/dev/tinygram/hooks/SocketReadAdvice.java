package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/** A blocking read into a byte array: {@code NioSocketImpl.read}, {@code SocketChannelImpl.blockingRead}. */
public final class SocketReadAdvice {
    private SocketReadAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object connection) {
        TinygramBridge.readStart(connection);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object connection, @Advice.Return int read, @Advice.Thrown Throwable thrown) {
        TinygramBridge.readEnd(connection, thrown == null ? read : 0);
    }
}
