package dev.tinygram.ffm;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.util.Optional;

/**
 * {@code getsockopt(fd, level, name, buffer, &length)} through the FFM API, found by name at run time so that this
 * class compiles for JDK 17. Restricted methods called through a method handle are checked against the lookup
 * class, this one, in module {@code dev.tinygram.ffm}: {@link #enableNativeAccess} turns native access on for that
 * module only.
 */
public final class Getsockopt {
    private final MethodHandle getsockopt;   // (int, int, int, MemorySegment, MemorySegment) int
    private final MethodHandle ofConfined;   // () Arena
    private final MethodHandle allocate;     // (Arena, long) MemorySegment
    private final MethodHandle setInt;       // (MemorySegment, OfInt, long, int) void
    private final MethodHandle getInt;       // (MemorySegment, OfInt, long) int
    private final MethodHandle copyBytes;    // (MemorySegment, OfByte) byte[]
    private final Object javaInt;
    private final Object javaByte;

    private Getsockopt() throws Throwable {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
        Class<?> lookupClass = Class.forName("java.lang.foreign.SymbolLookup");
        Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
        Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
        Class<?> valueLayout = Class.forName("java.lang.foreign.ValueLayout");
        Class<?> ofInt = Class.forName("java.lang.foreign.ValueLayout$OfInt");
        Class<?> ofByte = Class.forName("java.lang.foreign.ValueLayout$OfByte");
        Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
        Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");
        Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");

        Object linker = lookup.findStatic(linkerClass, "nativeLinker", MethodType.methodType(linkerClass)).invoke();
        Object symbols = lookup.findVirtual(linkerClass, "defaultLookup", MethodType.methodType(lookupClass))
                .invoke(linker);
        Optional<?> symbol = (Optional<?>) lookup.findVirtual(lookupClass, "find",
                MethodType.methodType(Optional.class, String.class)).invoke(symbols, "getsockopt");
        javaInt = valueLayout.getField("JAVA_INT").get(null);
        javaByte = valueLayout.getField("JAVA_BYTE").get(null);
        Object address = valueLayout.getField("ADDRESS").get(null);
        Object[] arguments = (Object[]) Array.newInstance(layoutClass, 5);
        arguments[0] = javaInt;
        arguments[1] = javaInt;
        arguments[2] = javaInt;
        arguments[3] = address;
        arguments[4] = address;
        Object descriptor = lookup.findStatic(descriptorClass, "of",
                MethodType.methodType(descriptorClass, layoutClass, arguments.getClass())).asFixedArity()
                .invoke(javaInt, arguments);
        Object noOptions = Array.newInstance(optionClass, 0);
        MethodHandle downcall = lookup.findVirtual(linkerClass, "downcallHandle",
                MethodType.methodType(MethodHandle.class, segmentClass, descriptorClass, noOptions.getClass()))
                .asFixedArity();
        getsockopt = (MethodHandle) downcall.invoke(linker, symbol.orElseThrow(), descriptor, noOptions);
        ofConfined = lookup.findStatic(arenaClass, "ofConfined", MethodType.methodType(arenaClass));
        allocate = lookup.findVirtual(arenaClass, "allocate", MethodType.methodType(segmentClass, long.class));
        setInt = lookup.findVirtual(segmentClass, "set", MethodType.methodType(void.class, ofInt, long.class,
                int.class));
        getInt = lookup.findVirtual(segmentClass, "get", MethodType.methodType(int.class, ofInt, long.class));
        copyBytes = lookup.findVirtual(segmentClass, "toArray", MethodType.methodType(byte[].class, ofByte));
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
        try (AutoCloseable arena = (AutoCloseable) ofConfined.invoke()) {
            Object buffer = allocate.invoke(arena, (long) into.length);
            Object length = allocate.invoke(arena, 4L);
            setInt.invoke(length, javaInt, 0L, into.length);
            int result = (int) getsockopt.invoke(fd, level, name, buffer, length);
            if (result != 0) return -1;
            int written = Math.min((int) getInt.invoke(length, javaInt, 0L), into.length);
            byte[] bytes = (byte[]) copyBytes.invoke(buffer, javaByte);
            System.arraycopy(bytes, 0, into, 0, written);
            return written;
        }
    }
}
