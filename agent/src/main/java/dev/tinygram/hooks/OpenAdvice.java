package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/** A connect that returns normally: {@code NioSocketImpl.connect}, {@code SocketChannelImpl.blockingConnect}. */
public final class OpenAdvice {
    private OpenAdvice() {}

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object connection, @Advice.Thrown Throwable thrown) {
        if (thrown == null) TinygramBridge.opened(connection);
    }
}
