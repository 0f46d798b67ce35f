package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/** {@code ServerSocketChannelImpl.finishAccept}: every accept path returns the new channel through it. */
public final class ChannelAcceptAdvice {
    private ChannelAcceptAdvice() {}

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Return Object accepted, @Advice.Thrown Throwable thrown) {
        if (thrown == null && accepted != null) TinygramBridge.accepted(accepted);
    }
}
