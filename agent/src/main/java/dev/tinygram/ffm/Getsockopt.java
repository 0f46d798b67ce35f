package dev.tinygram.ffm;

import java.lang.invoke.MethodHandle;

/**
 * {@code getsockopt(fd, level, name, buffer, &length)} through the FFM API, found by name at run time so that this
 * class compiles for JDK 17. Restricted methods called through a method handle are checked against the lookup
 * class, this one, in module {@code dev.tinygram.ffm}: {@link #enableNativeAccess} turns native access on for that
 * module only.
 */
public final class Getsockopt {
    private final Ffm ffm;
    private final MethodHandle getsockopt;   // (int, int, int, MemorySegment, MemorySegment) int

    private Getsockopt() throws Throwable {
        ffm = new Ffm();
        getsockopt = ffm.downcall("getsockopt", ffm.javaInt, ffm.javaInt, ffm.javaInt, ffm.javaInt, ffm.address,
                ffm.address);
    }

    /**
     * Turns native access on for this class's module, and only it. The caller has exported
     * {@code java.base/jdk.internal.access} to this module (the agent holds {@code Instrumentation}); this is the
     * access that {@code --enable-native-access=dev.tinygram.ffm} would give.
     */
    public static boolean enableNativeAccess() throws ReflectiveOperationException {
        Module self = Getsockopt.class.getModule();
        if (!self.isNamed()) throw new IllegalStateException("not in a module of its own: " + self);
        Object access = Class.forName("jdk.internal.access.SharedSecrets").getMethod("getJavaLangAccess")
                .invoke(null);
        Class.forName("jdk.internal.access.JavaLangAccess").getMethod("addEnableNativeAccess", Module.class)
                .invoke(access, self);
        return (Boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(self);
    }

    /** Binds the system call; after {@link #enableNativeAccess}, or the JDK warns once on stderr. */
    public static Getsockopt bind() throws Throwable {
        return new Getsockopt();
    }

    /**
     * {@code getsockopt(fd, level, name)} into {@code into}: returns the length the kernel wrote, or -1 if the
     * call failed (a closed descriptor, an option this kernel does not have).
     */
    public int read(int fd, int level, int name, byte[] into) throws Throwable {
        try (AutoCloseable arena = (AutoCloseable) ffm.ofConfined.invoke()) {
            Object buffer = ffm.allocate.invoke(arena, (long) into.length);
            Object length = ffm.allocate.invoke(arena, 4L);
            ffm.setInt.invoke(length, ffm.javaInt, 0L, into.length);
            int result = (int) getsockopt.invoke(fd, level, name, buffer, length);
            if (result != 0) return -1;
            int written = Math.min((int) ffm.getInt.invoke(length, ffm.javaInt, 0L), into.length);
            byte[] bytes = (byte[]) ffm.copyBytes.invoke(buffer, ffm.javaByte);
            System.arraycopy(bytes, 0, into, 0, written);
            return written;
        }
    }
}
