package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import java.nio.ByteBuffer;
import net.bytebuddy.asm.Advice;

/** {@code SocketChannelImpl.write(ByteBuffer[], int, int)}: one gathering write is one write. */
public final class ChannelGatheringWriteAdvice {
    private ChannelGatheringWriteAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object channel, @Advice.Argument(0) ByteBuffer[] sources,
                      @Advice.Argument(1) int offset, @Advice.Argument(2) int length) {
        TinygramBridge.channelWriting(channel, sources, offset, length);
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object channel, @Advice.Return long written) {
        if (written > 0) TinygramBridge.written(channel, written);
    }
}
