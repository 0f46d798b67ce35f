package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/**
 * {@code SocketChannelImpl.connect}: connected when it returns true, blocking or (at once, on loopback) not; timed
 * as {@link OpenAdvice} times a connect.
 */
public final class ChannelConnectAdvice {
    private ChannelConnectAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter() {
        return System.nanoTime();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object channel, @Advice.Enter long started, @Advice.Return boolean connected,
                     @Advice.Thrown Throwable thrown) {
        if (thrown == null && connected) TinygramBridge.opened(channel, System.nanoTime() - started);
    }
}
