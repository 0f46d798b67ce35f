package dev.tinygram.agent;

import dev.tinygram.hooks.HookTarget;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Weaves the hook table's bridge calls into the JDK classes being retransformed, and touches nothing else: one ASM
 * pass per class ({@link HookWeaver} per hooked method), every other method copied as it was. Class format stays as
 * it was (no field, no method, no local added), as retransformation requires.
 */
final class HookTransformer implements ClassFileTransformer {
    /** How far below its own version a JDK newer than ASM is read (see {@link #readerOf}). */
    private static final int MAX_TRIES_DOWN = 8;

    /** By internal name (slashes), as the JVM passes it. */
    private final Map<String, List<HookTarget>> byType;
    private final Set<String> transformed = ConcurrentHashMap.newKeySet();
    private final Map<String, Throwable> errors = new ConcurrentHashMap<>();

    HookTransformer(Map<String, List<HookTarget>> byType) {
        this.byType = byType;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
                            ProtectionDomain domain, byte[] classFile) {
        List<HookTarget> hooks = internalName == null || redefined == null ? null : byType.get(internalName);
        if (hooks == null) return null;
        String name = redefined.getName();
        try {
            byte[] bytes = weave(classFile, hooks);
            transformed.add(name);
            return bytes;
        } catch (Throwable t) {
            errors.put(name, t);
            return null;   // the class stays as it was; the self-test then finds the hook missing
        }
    }

    /** The class with every hook of {@code hooks} woven in; fails if one of them is not there to weave. */
    static byte[] weave(byte[] classFile, List<HookTarget> hooks) {
        int version = majorVersion(classFile);
        ClassReader reader = readerOf(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        Set<HookTarget> woven = ConcurrentHashMap.newKeySet();
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            private String owner;

            @Override
            public void visit(int v, int access, String name, String signature, String superName,
                              String[] interfaces) {
                owner = name;
                super.visit(version, access, name, signature, superName, interfaces);   // its own, as it came
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
                for (HookTarget t : hooks) {
                    if (t.method().equals(name) && t.descriptor().equals(descriptor)) {
                        woven.add(t);
                        return new HookWeaver(next, owner, access, descriptor, t.weave());
                    }
                }
                return next;
            }
        }, ClassReader.EXPAND_FRAMES);
        if (woven.size() != hooks.size()) {
            throw new IllegalStateException("not in the class file: " + hooks.stream().filter(h -> !woven.contains(h))
                    .map(HookTarget::toString).toList());
        }
        return writer.toByteArray();
    }

    /**
     * A reader of the class, also where the JDK is newer than ASM: the file is then read as the newest version ASM
     * knows. What is woven uses nothing new, and the self-test proves the result.
     */
    private static ClassReader readerOf(byte[] classFile) {
        try {
            return new ClassReader(classFile);
        } catch (IllegalArgumentException newer) {
            byte[] copy = classFile.clone();
            int version = majorVersion(classFile);
            for (int i = 1; i <= MAX_TRIES_DOWN; i++) {
                copy[6] = (byte) ((version - i) >>> 8);
                copy[7] = (byte) (version - i);
                try {
                    return new ClassReader(copy);
                } catch (IllegalArgumentException stillNewer) {
                    // one lower
                }
            }
            throw newer;
        }
    }

    private static int majorVersion(byte[] classFile) {
        return ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
    }

    void failed(String what, Throwable t) {
        for (List<HookTarget> hooks : byType.values()) {
            errors.putIfAbsent(hooks.get(0).type(), new IllegalStateException(what + ": " + t, t));
        }
    }

    boolean transformed(String type) {
        return transformed.contains(type);
    }

    Throwable error(String type) {
        return errors.get(type);
    }
}
