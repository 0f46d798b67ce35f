package dev.tinygram.ffm;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.util.Optional;

/**
 * The parts of the FFM API the system calls here need, found by name at run time so that this package compiles for
 * JDK 17: a downcall handle for a C function of the default library, and a confined arena to pass memory in. The
 * handles are looked up from this class, in module {@code dev.tinygram.ffm}, whose native access
 * {@link Getsockopt#enableNativeAccess} turns on.
 */
final class Ffm {
    final Object javaInt;
    final Object javaByte;
    final Object address;
    /** () Arena */
    final MethodHandle ofConfined;
    /** (Arena, long) MemorySegment */
    final MethodHandle allocate;
    /** (MemorySegment, OfInt, long, int) void */
    final MethodHandle setInt;
    /** (MemorySegment, OfInt, long) int */
    final MethodHandle getInt;
    /** (MemorySegment, OfByte) byte[] */
    final MethodHandle copyBytes;

    private final MethodHandles.Lookup lookup = MethodHandles.lookup();
    private final Class<?> linkerClass = Class.forName("java.lang.foreign.Linker");
    private final Class<?> segmentClass = Class.forName("java.lang.foreign.MemorySegment");
    private final Class<?> layoutClass = Class.forName("java.lang.foreign.MemoryLayout");
    private final Class<?> descriptorClass = Class.forName("java.lang.foreign.FunctionDescriptor");
    private final Object linker;
    private final Object symbols;
    private final MethodHandle find;

    Ffm() throws Throwable {
        Class<?> lookupClass = Class.forName("java.lang.foreign.SymbolLookup");
        Class<?> valueLayout = Class.forName("java.lang.foreign.ValueLayout");
        Class<?> ofInt = Class.forName("java.lang.foreign.ValueLayout$OfInt");
        Class<?> ofByte = Class.forName("java.lang.foreign.ValueLayout$OfByte");
        Class<?> arenaClass = Class.forName("java.lang.foreign.Arena");
        linker = lookup.findStatic(linkerClass, "nativeLinker", MethodType.methodType(linkerClass)).invoke();
        symbols = lookup.findVirtual(linkerClass, "defaultLookup", MethodType.methodType(lookupClass)).invoke(linker);
        find = lookup.findVirtual(lookupClass, "find", MethodType.methodType(Optional.class, String.class));
        javaInt = valueLayout.getField("JAVA_INT").get(null);
        javaByte = valueLayout.getField("JAVA_BYTE").get(null);
        address = valueLayout.getField("ADDRESS").get(null);
        ofConfined = lookup.findStatic(arenaClass, "ofConfined", MethodType.methodType(arenaClass));
        allocate = lookup.findVirtual(arenaClass, "allocate", MethodType.methodType(segmentClass, long.class));
        setInt = lookup.findVirtual(segmentClass, "set", MethodType.methodType(void.class, ofInt, long.class,
                int.class));
        getInt = lookup.findVirtual(segmentClass, "get", MethodType.methodType(int.class, ofInt, long.class));
        copyBytes = lookup.findVirtual(segmentClass, "toArray", MethodType.methodType(byte[].class, ofByte));
    }

    /** A handle on the C function {@code name}, returning {@code result}, taking {@code arguments} (layouts). */
    MethodHandle downcall(String name, Object result, Object... arguments) throws Throwable {
        Optional<?> symbol = (Optional<?>) find.invoke(symbols, name);
        Object[] layouts = (Object[]) Array.newInstance(layoutClass, arguments.length);
        System.arraycopy(arguments, 0, layouts, 0, arguments.length);
        Object descriptor = lookup.findStatic(descriptorClass, "of",
                MethodType.methodType(descriptorClass, layoutClass, layouts.getClass())).asFixedArity()
                .invoke(result, layouts);
        Class<?> optionClass = Class.forName("java.lang.foreign.Linker$Option");
        Object noOptions = Array.newInstance(optionClass, 0);
        MethodHandle downcall = lookup.findVirtual(linkerClass, "downcallHandle",
                MethodType.methodType(MethodHandle.class, segmentClass, descriptorClass, noOptions.getClass()))
                .asFixedArity();
        return (MethodHandle) downcall.invoke(linker, symbol.orElseThrow(), descriptor, noOptions);
    }
}
