package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/** {@code SocketChannelImpl.connect} and {@code finishConnect}: connected when they return true. */
public final class ChannelConnectAdvice {
    private ChannelConnectAdvice() {}

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object channel, @Advice.Return boolean connected, @Advice.Thrown Throwable thrown) {
        if (thrown == null && connected) TinygramBridge.opened(channel);
    }
}
