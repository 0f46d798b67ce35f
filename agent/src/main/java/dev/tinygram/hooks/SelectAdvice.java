package dev.tinygram.hooks;

import dev.tinygram.bootstrap.TinygramBridge;
import net.bytebuddy.asm.Advice;

/** {@code SelectorImpl.lockAndDoSelect}: an NIO app waits for its answer here, not in read. */
public final class SelectAdvice {
    private SelectAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object selector) {
        TinygramBridge.selecting(selector);
    }
}
