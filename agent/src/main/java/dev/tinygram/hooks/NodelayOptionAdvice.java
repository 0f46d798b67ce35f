package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import java.net.StandardSocketOptions;
import net.bytebuddy.asm.Advice;

/** {@code setOption(SocketOption, Object)} on a socket impl or a channel. */
public final class NodelayOptionAdvice {
    private NodelayOptionAdvice() {}

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object connection, @Advice.Argument(0) Object option,
                     @Advice.Argument(1) Object value, @Advice.Thrown Throwable thrown) {
        if (thrown == null && option == StandardSocketOptions.TCP_NODELAY && value instanceof Boolean) {
            TinygramBridge.nodelaySet(connection, (Boolean) value);
        }
    }
}
