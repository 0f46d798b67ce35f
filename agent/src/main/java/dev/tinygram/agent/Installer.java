package dev.tinygram.agent;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.tinygram.hooks.HookTarget;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

/**
 * Retransforms the JDK classes of the hook table once, inlining each target's advice. Checks beforehand that
 * every target method exists with its exact descriptor, and records which classes byte-buddy transformed, so
 * the start-up line can say what took.
 */
final class Installer {

    /** What was installed: the transformer (to undo it), the targets that took, and those that did not. */
    record Installed(ResettableClassFileTransformer transformer, List<HookTarget> hooked, List<String> missing) {
        Set<String> areas() {
            Set<String> areas = new TreeSet<>();
            for (HookTarget t : hooked) areas.add(t.area());
            return areas;
        }
    }

    private Installer() {}

    static Installed install(Instrumentation inst, List<HookTarget> targets) {
        // Advice needs no Nexus (it is for type initializers); left on, AgentBuilder sets it up eagerly through
        // sun.misc.Unsafe, which JDK 24+ warns about on stderr. The name is relocated with byte-buddy.
        System.setProperty("net.bytebuddy.nexus.disabled", "true");
        List<HookTarget> present = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Set<Class<?>> types = new java.util.LinkedHashSet<>();
        for (HookTarget t : targets) {
            Class<?> type = declaring(t);
            if (type != null) {
                present.add(t);
                types.add(type);
            } else {
                missing.add(t + " (not in this JDK)");
            }
        }
        Set<String> transformed = ConcurrentHashMap.newKeySet();
        Map<String, Throwable> errors = new ConcurrentHashMap<>();
        AgentBuilder builder = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(new AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.Explicit(types.toArray(new Class<?>[0])))
                .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
                // anything but the target classes is turned away by its name alone
                .ignore(ElementMatchers.not(ElementMatchers.namedOneOf(
                        types.stream().map(Class::getName).toArray(String[]::new))))
                .with(new AgentBuilder.Listener.Adapter() {
                    @Override
                    public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module,
                                                 boolean loaded, DynamicType dynamicType) {
                        transformed.add(type.getName());
                    }

                    @Override
                    public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
                                        Throwable throwable) {
                        errors.put(typeName, throwable);
                    }
                });
        Map<String, List<HookTarget>> byType = new LinkedHashMap<>();
        for (HookTarget t : present) byType.computeIfAbsent(t.type(), k -> new ArrayList<>()).add(t);
        for (Map.Entry<String, List<HookTarget>> e : byType.entrySet()) {
            List<HookTarget> hooks = e.getValue();
            builder = builder.type(named(e.getKey())).transform((b, type, loader, module, domain) -> {
                for (HookTarget t : hooks) {
                    b = b.visit(Advice.to(t.advice()).on(named(t.method()).and(hasDescriptor(t.descriptor()))));
                }
                return b;
            });
        }
        ResettableClassFileTransformer transformer = builder.installOn(inst);
        List<HookTarget> hooked = new ArrayList<>();
        for (HookTarget t : present) {
            if (errors.containsKey(t.type())) {
                missing.add(t + " (" + errors.get(t.type()) + ")");
            } else if (transformed.contains(t.type())) {
                hooked.add(t);   // exists() loaded the class, so it was retransformed now
            } else {
                missing.add(t + " (not transformed)");
            }
        }
        return new Installed(transformer, hooked, missing);
    }

    /** The target's class if it declares the method with exactly that descriptor, else null. */
    private static Class<?> declaring(HookTarget t) {
        try {
            Class<?> type = Class.forName(t.type(), false, null);
            for (Method m : type.getDeclaredMethods()) {
                if (m.getName().equals(t.method())
                        && new MethodDescription.ForLoadedMethod(m).getDescriptor().equals(t.descriptor())) {
                    return type;
                }
            }
            return null;
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
