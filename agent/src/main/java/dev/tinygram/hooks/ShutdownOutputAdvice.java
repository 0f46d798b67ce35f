package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/**
 * {@code NioSocketImpl.shutdownOutput}, {@code SocketChannelImpl.shutdownOutput}: what is coalesced goes out
 * before the FIN, which then pushes whatever Nagle held.
 */
public final class ShutdownOutputAdvice {
    private ShutdownOutputAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.This Object connection) throws Throwable {
        Object failure = TinygramBridge.flush(connection, TinygramBridge.BEFORE_SHUTDOWN);
        if (failure instanceof Throwable) throw (Throwable) failure;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object connection, @Advice.Thrown Throwable thrown) {
        if (thrown == null) TinygramBridge.shutdownOutput(connection);
    }
}
