package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/** {@code NioSocketImpl.shutdownOutput}, {@code SocketChannelImpl.shutdownOutput}: the FIN pushes held bytes. */
public final class ShutdownOutputAdvice {
    private ShutdownOutputAdvice() {}

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object connection, @Advice.Thrown Throwable thrown) {
        if (thrown == null) TinygramBridge.shutdownOutput(connection);
    }
}
