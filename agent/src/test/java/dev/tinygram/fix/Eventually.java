package dev.tinygram.fix;

import java.util.function.BooleanSupplier;

/** Polls a condition another thread makes true, every millisecond, for at most a wide patience. */
final class Eventually {
    private Eventually() {}

    static boolean within(long patienceNanos, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + patienceNanos;
        while (System.nanoTime() - end < 0) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(1);
        }
        return condition.getAsBoolean();
    }
}
