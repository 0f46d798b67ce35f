package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/**
 * {@code OutputStream.flush()}: a socket's streams do not override it, so an application's explicit flush of
 * its socket stream (often through a BufferedOutputStream) lands here. In mode=coalesce that sends what is
 * buffered; otherwise the bridge returns at once.
 */
public final class StreamFlushAdvice {
    private StreamFlushAdvice() {}

    @Advice.OnMethodEnter
    static void enter(@Advice.This Object stream) throws java.io.IOException {
        TinygramBridge.streamFlushed(stream);
    }
}
