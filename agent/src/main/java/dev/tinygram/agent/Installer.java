package dev.tinygram.agent;

import dev.tinygram.hooks.HookTarget;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.objectweb.asm.Type;

/**
 * Retransforms the JDK classes of the hook table once, weaving each target's bridge calls in through {@link
 * HookTransformer}. Checks beforehand that every target method exists with its exact descriptor, and records
 * which classes were transformed, so the start-up line can say what took.
 */
final class Installer {

    /** What was installed: the transformer (to undo it), the targets that took, and those that did not. */
    record Installed(HookTransformer transformer, Collection<Class<?>> types, List<HookTarget> hooked,
                     List<String> missing) {
        /** Takes the hooks out again: without the transformer, retransforming restores the JDK's own code. */
        void reset(Instrumentation inst) throws Exception {
            inst.removeTransformer(transformer);
            inst.retransformClasses(types.toArray(new Class<?>[0]));
        }

        Set<String> areas() {
            Set<String> areas = new TreeSet<>();
            for (HookTarget t : hooked) areas.add(t.area());
            return areas;
        }
    }

    private Installer() {}

    static Installed install(Instrumentation inst, List<HookTarget> targets) {
        List<HookTarget> present = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Map<String, List<HookTarget>> byType = new LinkedHashMap<>();
        Map<String, Class<?>> types = new LinkedHashMap<>();
        for (HookTarget t : targets) {
            Class<?> type = declaring(t);
            if (type != null) {
                present.add(t);
                types.put(t.type(), type);
                byType.computeIfAbsent(t.type().replace('.', '/'), k -> new ArrayList<>()).add(t);
            } else {
                missing.add(t + " (not in this JDK)");
            }
        }
        HookTransformer transformer = new HookTransformer(byType);
        inst.addTransformer(transformer, true);
        try {
            inst.retransformClasses(types.values().toArray(new Class<?>[0]));
        } catch (Throwable t) {
            transformer.failed("retransformClasses", t);
        }
        List<HookTarget> hooked = new ArrayList<>();
        for (HookTarget t : present) {
            Throwable error = transformer.error(t.type());
            if (error != null) {
                missing.add(t + " (" + error + ")");
            } else if (transformer.transformed(t.type())) {
                hooked.add(t);   // exists() loaded the class, so it was retransformed now
            } else {
                missing.add(t + " (not transformed)");
            }
        }
        return new Installed(transformer, types.values(), hooked, missing);
    }

    /** The target's class if it declares the method with exactly that descriptor, else null. */
    private static Class<?> declaring(HookTarget t) {
        try {
            Class<?> type = Class.forName(t.type(), false, null);
            for (Method m : type.getDeclaredMethods()) {
                if (m.getName().equals(t.method())
                        && Type.getMethodDescriptor(m).equals(t.descriptor())) {
                    return type;
                }
            }
            return null;
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
