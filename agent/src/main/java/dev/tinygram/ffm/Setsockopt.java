package dev.tinygram.ffm;

import java.lang.invoke.MethodHandle;

/**
 * {@code setsockopt(fd, level, name, &value, sizeof(int))} through the FFM API, found by name at run time so that
 * this class compiles for JDK 17. In module {@code dev.tinygram.ffm}, whose native access
 * {@link Getsockopt#enableNativeAccess} turned on: bind it only after that.
 */
public final class Setsockopt {
    private final Ffm ffm;
    private final MethodHandle setsockopt;   // (int, int, int, MemorySegment, int) int

    private Setsockopt() throws Throwable {
        ffm = new Ffm();
        setsockopt = ffm.downcall("setsockopt", ffm.javaInt, ffm.javaInt, ffm.javaInt, ffm.javaInt, ffm.address,
                ffm.javaInt);
    }

    /** Binds the system call; after {@link Getsockopt#enableNativeAccess}, or the JDK warns once on stderr. */
    public static Setsockopt bind() throws Throwable {
        return new Setsockopt();
    }

    /** Sets an int option; true if the kernel took it (false: a closed descriptor, an option it does not have). */
    public boolean write(int fd, int level, int name, int value) throws Throwable {
        try (AutoCloseable arena = (AutoCloseable) ffm.ofConfined.invoke()) {
            Object buffer = ffm.allocate.invoke(arena, 4L);
            ffm.setInt.invoke(buffer, ffm.javaInt, 0L, value);
            return (int) setsockopt.invoke(fd, level, name, buffer, Integer.BYTES) == 0;
        }
    }
}
