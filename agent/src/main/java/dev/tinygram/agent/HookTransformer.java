package dev.tinygram.agent;

import static net.bytebuddy.matcher.ElementMatchers.hasDescriptor;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.tinygram.hooks.HookTarget;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.dynamic.VisibilityBridgeStrategy;
import net.bytebuddy.dynamic.scaffold.InstrumentedType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.matcher.LatentMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * Inlines the hook table's advice into the JDK classes being retransformed, and touches nothing else. It does
 * with byte-buddy's {@code ByteBuddy} and {@code Advice} alone what its {@code AgentBuilder} would: the builder
 * adds nothing a fixed list of already-loaded JDK classes needs, and loading and setting it up was most of the
 * agent's start-up. Class format stays as it was (no fields, no methods), as retransformation requires.
 */
final class HookTransformer implements ClassFileTransformer {
    /** By internal name (slashes), as the JVM passes it. */
    private final Map<String, List<HookTarget>> byType;
    private final Map<Class<?>, Advice> advice = new ConcurrentHashMap<>();
    private final Set<String> transformed = ConcurrentHashMap.newKeySet();
    private final Map<String, Throwable> errors = new ConcurrentHashMap<>();
    private final ByteBuddy byteBuddy = new ByteBuddy()
            .with(TypeValidation.DISABLED)
            .with(Implementation.Context.Disabled.Factory.INSTANCE)
            .with(InstrumentedType.Factory.Default.FROZEN)
            .with(VisibilityBridgeStrategy.Default.NEVER)
            // advice goes on methods the class declares: no need to analyse the whole hierarchy's methods
            .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE);

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
            ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classFile),
                    ClassFileLocator.ForClassLoader.of(loader));
            DynamicType.Builder<?> builder = byteBuddy
                    .redefine(TypeDescription.ForLoadedType.of(redefined), locator)
                    .ignoreAlso(LatentMatcher.ForSelfDeclaredMethod.NOT_DECLARED);
            for (HookTarget t : hooks) {
                builder = builder.visit(advice.computeIfAbsent(t.advice(), Advice::to)
                        .on(named(t.method()).and(hasDescriptor(t.descriptor()))));
            }
            byte[] bytes = builder.make(TypeResolutionStrategy.Disabled.INSTANCE, TypePool.Default.of(locator))
                    .getBytes();
            transformed.add(name);
            return bytes;
        } catch (Throwable t) {
            errors.put(name, t);
            return null;   // the class stays as it was; the self-test then finds the hook missing
        }
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
