package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/** {@code SocketChannelImpl.write(ByteBuffer)}: counts what the kernel took, which may be less in non-blocking mode. */
public final class ChannelWriteAdvice {
    private ChannelWriteAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object channel, @Advice.Return int written) {
        if (written > 0) TinygramBridge.written(channel, written);
    }
}
