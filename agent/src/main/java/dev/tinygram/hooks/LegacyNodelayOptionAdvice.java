package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/** {@code NioSocketImpl.setOption(int, Object)}: what {@code Socket.setTcpNoDelay} calls. */
public final class LegacyNodelayOptionAdvice {
    private LegacyNodelayOptionAdvice() {}

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object socket, @Advice.Argument(0) int option, @Advice.Argument(1) Object value,
                     @Advice.Thrown Throwable thrown) {
        // 0x0001 is java.net.SocketOptions.TCP_NODELAY; advice is inlined into the JDK, so only literals here
        if (thrown == null && option == 0x0001 && value instanceof Boolean) {
            TinygramBridge.nodelaySet(socket, (Boolean) value);
        }
    }
}
