package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/**
 * A blocking read into a byte array: {@code NioSocketImpl.read}, {@code SocketChannelImpl.blockingRead}. Before
 * the application waits, anything coalesced goes out; a failure to send it is what this read throws.
 */
public final class SocketReadAdvice {
    private SocketReadAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.This Object connection) throws java.io.IOException {
        TinygramBridge.readStarting(connection);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object connection, @Advice.Return int read, @Advice.Thrown Throwable thrown) {
        TinygramBridge.readEnded(connection, thrown == null ? read : 0);
    }
}
