package dev.tinygram.ffm;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.util.Optional;

/**
 * {@code setsockopt(fd, level, name, &value, sizeof(int))} through the FFM API, found by name at run time so that
 * this class compiles for JDK 17. In module {@code dev.tinygram.ffm}, whose native access
 * {@link Getsockopt#enableNativeAccess} turned on: bind it only after that.
 */
public final class Setsockopt {
    private final MethodHandle setsockopt;   // (int, int, int, MemorySegment, int) int
    private final MethodHandle ofConfined;   // () Arena
    private final MethodHandle allocate;     // (Arena, long) MemorySegment
    private final MethodHandle setInt;       // (MemorySegment, OfInt, long, int) void
    private final Object javaInt;

    private Setsockopt() throws Throwable {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
        Class<?> lookupClass = Class.forName("java.lang.foreign.SymbolLookup");
        Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
        Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
        Class<?> valueLayout = Class.forName("java.lang.foreign.ValueLayout");
        Class<?> ofInt = Class.forName("java.lang.foreign.ValueLayout$OfInt");
        Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
        Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");
        Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");

        Object linker = lookup.findStatic(linkerClass, "nativeLinker", MethodType.methodType(linkerClass)).invoke();
        Object symbols = lookup.findVirtual(linkerClass, "defaultLookup", MethodType.methodType(lookupClass))
                .invoke(linker);
        Optional<?> symbol = (Optional<?>) lookup.findVirtual(lookupClass, "find",
                MethodType.methodType(Optional.class, String.class)).invoke(symbols, "setsockopt");
        javaInt = valueLayout.getField("JAVA_INT").get(null);
        Object address = valueLayout.getField("ADDRESS").get(null);
        Object[] arguments = (Object[]) Array.newInstance(layoutClass, 5);
        arguments[0] = javaInt;
        arguments[1] = javaInt;
        arguments[2] = javaInt;
        arguments[3] = address;
        arguments[4] = javaInt;
        Object descriptor = lookup.findStatic(descriptorClass, "of",
                MethodType.methodType(descriptorClass, layoutClass, arguments.getClass())).asFixedArity()
                .invoke(javaInt, arguments);
        Object noOptions = Array.newInstance(optionClass, 0);
        MethodHandle downcall = lookup.findVirtual(linkerClass, "downcallHandle",
                MethodType.methodType(MethodHandle.class, segmentClass, descriptorClass, noOptions.getClass()))
                .asFixedArity();
        setsockopt = (MethodHandle) downcall.invoke(linker, symbol.orElseThrow(), descriptor, noOptions);
        ofConfined = lookup.findStatic(arenaClass, "ofConfined", MethodType.methodType(arenaClass));
        allocate = lookup.findVirtual(arenaClass, "allocate", MethodType.methodType(segmentClass, long.class));
        setInt = lookup.findVirtual(segmentClass, "set", MethodType.methodType(void.class, ofInt, long.class,
                int.class));
    }

    /** Binds the system call; after {@link Getsockopt#enableNativeAccess}, or the JDK warns once on stderr. */
    public static Setsockopt bind() throws Throwable {
        return new Setsockopt();
    }

    /** Sets an int option; true if the kernel took it (false: a closed descriptor, an option it does not have). */
    public boolean write(int fd, int level, int name, int value) throws Throwable {
        try (AutoCloseable arena = (AutoCloseable) ofConfined.invoke()) {
            Object buffer = allocate.invoke(arena, 4L);
            setInt.invoke(buffer, javaInt, 0L, value);
            return (int) setsockopt.invoke(fd, level, name, buffer, Integer.BYTES) == 0;
        }
    }
}
