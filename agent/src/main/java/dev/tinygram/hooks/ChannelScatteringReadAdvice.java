package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/** {@code SocketChannelImpl.read(ByteBuffer[], int, int)}. */
public final class ChannelScatteringReadAdvice {
    private ChannelScatteringReadAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object channel) {
        TinygramBridge.channelReadStarting(channel);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object channel, @Advice.Return long read, @Advice.Thrown Throwable thrown) {
        TinygramBridge.readEnded(channel, thrown == null ? read : 0);
    }
}
