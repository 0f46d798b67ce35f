package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import java.nio.ByteBuffer;
import net.bytebuddy.asm.Advice;

/**
 * {@code SocketChannelImpl.write(ByteBuffer)}: before it, mode=coalesce may cork the channel; after it, counts what
 * the kernel took, which may be less in non-blocking mode.
 */
public final class ChannelWriteAdvice {
    private ChannelWriteAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object channel, @Advice.Argument(0) ByteBuffer source) {
        TinygramBridge.channelWriting(channel, source);
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object channel, @Advice.Return int written) {
        if (written > 0) TinygramBridge.written(channel, written);
    }
}
