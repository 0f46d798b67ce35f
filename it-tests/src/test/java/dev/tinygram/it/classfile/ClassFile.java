package dev.tinygram.it.classfile;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of a class file (JVMS chapter 4) to say what a class's code can make the JVM load: its version, its
 * constant pool, and each method's descriptor, bytecode and exception table. Written here rather than borrowed, so
 * the jar test depends on no bytecode library.
 */
public final class ClassFile {
    static final int UTF8 = 1, INTEGER = 3, FLOAT = 4, LONG = 5, DOUBLE = 6, CLASS = 7, STRING = 8, FIELD = 9,
            METHOD = 10, INTERFACE_METHOD = 11, NAME_AND_TYPE = 12, METHOD_HANDLE = 15, METHOD_TYPE = 16,
            DYNAMIC = 17, INVOKE_DYNAMIC = 18, MODULE = 19, PACKAGE = 20;
    static final int ACC_PRIVATE = 0x0002;
    private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L([^;<>]+);");

    /** A constant-pool entry: its tag and up to two indices into the pool (or, for UTF8, its text). */
    record Constant(int tag, int first, int second, String text) {}

    /** One handler of a method's exception table: the covered code range, the handler, and the caught class. */
    record Handler(int start, int end, int handler, int catchType) {}

    /** A method: its bytecode is null when it has none (abstract or native). */
    public record Method(int access, String name, String descriptor, byte[] code, List<Handler> handlers) {
        public String id() {
            return name + descriptor;
        }
    }

    public final String name;
    public final int major;
    public final String superName;
    public final List<String> interfaces = new ArrayList<>();
    public final List<String> fieldDescriptors = new ArrayList<>();
    public final List<Method> methods = new ArrayList<>();
    private final Constant[] pool;

    public ClassFile(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (in.readInt() != 0xCAFEBABE) throw new IOException("not a class file");
        in.readUnsignedShort();   // minor
        major = in.readUnsignedShort();
        pool = new Constant[in.readUnsignedShort()];
        for (int i = 1; i < pool.length; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case UTF8 -> pool[i] = new Constant(tag, 0, 0, in.readUTF());
                case CLASS, STRING, METHOD_TYPE, MODULE, PACKAGE -> pool[i] = new Constant(tag, in.readUnsignedShort(), 0, null);
                case METHOD_HANDLE -> pool[i] = new Constant(tag, in.readUnsignedByte(), in.readUnsignedShort(), null);
                case INTEGER, FLOAT, FIELD, METHOD, INTERFACE_METHOD, NAME_AND_TYPE, DYNAMIC, INVOKE_DYNAMIC ->
                        pool[i] = new Constant(tag, in.readUnsignedShort(), in.readUnsignedShort(), null);
                case LONG, DOUBLE -> {
                    in.readLong();
                    pool[i] = new Constant(tag, 0, 0, null);
                    i++;   // an 8-byte constant takes two slots
                }
                default -> throw new IOException("unknown constant tag " + tag + " at " + i);
            }
        }
        in.readUnsignedShort();   // access flags
        name = className(in.readUnsignedShort());
        int superIndex = in.readUnsignedShort();
        superName = superIndex == 0 ? null : className(superIndex);
        for (int n = in.readUnsignedShort(); n > 0; n--) interfaces.add(className(in.readUnsignedShort()));
        for (int n = in.readUnsignedShort(); n > 0; n--) {
            in.readUnsignedShort();
            in.readUnsignedShort();
            fieldDescriptors.add(utf8(in.readUnsignedShort()));
            skipAttributes(in);
        }
        for (int n = in.readUnsignedShort(); n > 0; n--) methods.add(readMethod(in));
        // the class's own attributes (source file, inner classes, bootstrap methods) are not read: what code runs
        // is in the methods, and a bootstrap method is only reached through an invokedynamic in one.
    }

    private Method readMethod(DataInputStream in) throws IOException {
        int access = in.readUnsignedShort();
        String methodName = utf8(in.readUnsignedShort());
        String descriptor = utf8(in.readUnsignedShort());
        byte[] code = null;
        List<Handler> handlers = new ArrayList<>();
        for (int a = in.readUnsignedShort(); a > 0; a--) {
            String attribute = utf8(in.readUnsignedShort());
            int length = in.readInt();
            if (!attribute.equals("Code")) {
                in.skipNBytes(length);
                continue;
            }
            in.readUnsignedShort();   // max stack
            in.readUnsignedShort();   // max locals
            code = in.readNBytes(in.readInt());
            for (int h = in.readUnsignedShort(); h > 0; h--) {
                handlers.add(new Handler(in.readUnsignedShort(), in.readUnsignedShort(), in.readUnsignedShort(),
                        in.readUnsignedShort()));
            }
            // the stack map is not read: a type in it comes from a parameter, a caught class or an instruction,
            // each of which is checked where it is
            skipAttributes(in);
        }
        return new Method(access, methodName, descriptor, code, List.copyOf(handlers));
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        for (int a = in.readUnsignedShort(); a > 0; a--) {
            in.readUnsignedShort();
            in.skipNBytes(in.readInt());
        }
    }

    Constant constant(int index) {
        return pool[index];
    }

    String utf8(int index) {
        return pool[index].text();
    }

    /** The internal name of a CONSTANT_Class entry; for an array class, its element class (or a primitive's). */
    String className(int index) {
        String n = utf8(pool[index].first());
        if (!n.startsWith("[")) return n;
        List<String> inside = classesIn(n);
        return inside.isEmpty() ? n : inside.get(0);
    }

    /** The class names a field or method descriptor mentions. */
    static List<String> classesIn(String descriptor) {
        List<String> names = new ArrayList<>();
        Matcher m = DESCRIPTOR_CLASS.matcher(descriptor);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    /** Every class name anywhere in the pool: class entries and the descriptors of members and method types. */
    public List<String> allClassNames() {
        List<String> names = new ArrayList<>();
        for (int i = 1; i < pool.length; i++) {
            Constant c = pool[i];
            if (c == null) continue;
            if (c.tag() == CLASS) names.add(className(i));
            if (c.tag() == NAME_AND_TYPE) names.addAll(classesIn(utf8(c.second())));
            if (c.tag() == METHOD_TYPE) names.addAll(classesIn(utf8(c.first())));
        }
        for (String d : fieldDescriptors) names.addAll(classesIn(d));
        for (Method m : methods) names.addAll(classesIn(m.descriptor()));
        return names;
    }

    /** Whether the pool holds an invokedynamic or dynamic constant: code that needs a bootstrap method. */
    public boolean hasDynamicConstants() {
        for (Constant c : pool) {
            if (c != null && (c.tag() == INVOKE_DYNAMIC || c.tag() == DYNAMIC)) return true;
        }
        return false;
    }
}
