package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/**
 * {@code NioSocketImpl.shutdownOutput}, {@code SocketChannelImpl.shutdownOutput}: what is coalesced goes out
 * before the FIN, which then pushes whatever Nagle held. Enter is not suppressed: a failed send is the
 * application's IOException; the bridge itself throws nothing else.
 */
public final class ShutdownOutputAdvice {
    private ShutdownOutputAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.This Object connection) throws java.io.IOException {
        TinygramBridge.outputShuttingDown(connection);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object connection, @Advice.Thrown Throwable thrown) {
        if (thrown == null) TinygramBridge.outputShutDown(connection);
    }
}
