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
    static Object enter(@Advice.This Object connection) {
        Object failure = TinygramBridge.flush(connection, TinygramBridge.BEFORE_CLOSE);
        TinygramBridge.close(connection);
        return failure;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    static void exit(@Advice.Enter Object failure, @Advice.Thrown(readOnly = false) Throwable thrown) {
        if (thrown == null && failure instanceof Throwable) thrown = (Throwable) failure;
    }
}
