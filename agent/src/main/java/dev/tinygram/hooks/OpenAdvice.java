package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/**
 * A blocking connect that returns normally: {@code NioSocketImpl.connect}, {@code SocketChannelImpl.blockingConnect},
 * and {@code SocketChannelImpl.connect}, which returns true when it connected. How long it took is about one round
 * trip of the path: the agent's first estimate of it.
 */
public final class OpenAdvice {
    private OpenAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter() {
        return System.nanoTime();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object connection, @Advice.Enter long started, @Advice.Thrown Throwable thrown) {
        if (thrown == null) TinygramBridge.opened(connection, System.nanoTime() - started);
    }
}
