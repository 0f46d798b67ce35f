package dev.tinygram.fix;

/**
 * The kernel's TCP_CORK, where it can be set from Java (JDK 22+ on Linux, through the agent's FFM module). Lets the
 * fix layer cork a channel without knowing how.
 */
public interface Corks {
    /** Whether corking can be done now (the kernel's module is open). */
    boolean available();

    /** Sets or clears TCP_CORK on a SocketChannel; false if the kernel refused or the channel has no descriptor. */
    boolean set(Object channel, boolean on);
}
