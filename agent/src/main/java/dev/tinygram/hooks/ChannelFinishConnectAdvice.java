package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/**
 * {@code SocketChannelImpl.finishConnect}: a non-blocking connect is done when it returns true. How long the
 * connect took is unknown here: the call only collects its end.
 */
public final class ChannelFinishConnectAdvice {
    private ChannelFinishConnectAdvice() {}

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object channel, @Advice.Return boolean connected, @Advice.Thrown Throwable thrown) {
        if (thrown == null && connected) TinygramBridge.opened(channel, -1);
    }
}
