package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/**
 * {@code NioSocketImpl.close}, {@code SocketChannelImpl.implCloseSelectableChannel}: what is coalesced goes out
 * first; the close always happens, and a failure to send throws from it afterwards.
 */
public final class CloseAdvice {
    private CloseAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Throwable enter(@Advice.This Object connection) {
        return TinygramBridge.closing(connection);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit(@Advice.Enter Throwable failure, @Advice.Thrown(readOnly = false) Throwable thrown) {
        if (thrown == null && failure != null) thrown = failure;
    }
}
