package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/** {@code SocketChannelImpl.write(ByteBuffer[], int, int)}: one gathering write is one write. */
public final class ChannelGatheringWriteAdvice {
    private ChannelGatheringWriteAdvice() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object channel, @Advice.Return long written) {
        if (written > 0) TinygramBridge.written(channel, written);
    }
}
