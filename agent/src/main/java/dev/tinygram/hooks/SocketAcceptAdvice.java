package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/** {@code NioSocketImpl.accept(SocketImpl)}: the argument is the accepted connection. */
public final class SocketAcceptAdvice {
    private SocketAcceptAdvice() {}

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Argument(0) Object accepted, @Advice.Thrown Throwable thrown) {
        if (thrown == null) TinygramBridge.accepted(accepted);
    }
}
