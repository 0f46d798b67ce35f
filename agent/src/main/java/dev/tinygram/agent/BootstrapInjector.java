package dev.tinygram.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Puts the one bridge class in the bootstrap loader, where advice inlined into java.base can see it, and lets
 * java.base read it. Must run before any agent class touches the bridge: class loading is parent-first, so
 * from then on every reference resolves to the bootstrap copy.
 */
final class BootstrapInjector {
    static final String BRIDGE_CLASS = "dev.tinygram.bootstrap.TinygramBridge";
    private static final String BRIDGE_ENTRY = BRIDGE_CLASS.replace('.', '/') + ".class";

    private BootstrapInjector() {}

    /** Returns the bridge class as the bootstrap loader has it. */
    static Class<?> inject(Instrumentation inst) throws Exception {
        Module javaBase = Object.class.getModule();
        Module agent = BootstrapInjector.class.getModule();
        if (!alreadyOnBootstrapPath()) {
            byte[] bytes;
            try (InputStream in = BootstrapInjector.class.getClassLoader().getResourceAsStream(BRIDGE_ENTRY)) {
                if (in == null) throw new IOException(BRIDGE_ENTRY + " is missing from the agent jar");
                bytes = in.readAllBytes();
            }
            try {
                defineInBootLoader(inst, javaBase, agent, bytes);
            } catch (ReflectiveOperationException | RuntimeException e) {
                appendJarToBootstrapPath(inst, bytes);
            }
        }
        Class<?> bridge = Class.forName(BRIDGE_CLASS, true, null);
        // java.base must read the bridge's (bootstrap, unnamed) module. java.net is opened to the agent for the
        // address fields of SocketImpl, sun.nio.ch for the JDK's own socket write that coalescing sends through.
        inst.redefineModule(javaBase, Set.of(bridge.getModule()), Map.of(),
                Map.of("java.net", Set.of(agent), "sun.nio.ch", Set.of(agent)), Set.of(), Map.of());
        return bridge;
    }

    /**
     * Defines the class straight into the boot loader. Appending a jar to the bootstrap path would do too, but
     * makes the JVM switch off class-data sharing for application classes and say so on stderr.
     */
    private static void defineInBootLoader(Instrumentation inst, Module javaBase, Module agent, byte[] bytes)
            throws ReflectiveOperationException {
        inst.redefineModule(javaBase, Set.of(), Map.of("jdk.internal.misc", Set.of(agent)), Map.of(), Set.of(),
                Map.of());
        Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
        Object unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
        unsafeClass.getMethod("defineClass", String.class, byte[].class, int.class, int.class, ClassLoader.class,
                ProtectionDomain.class).invoke(unsafe, BRIDGE_CLASS, bytes, 0, bytes.length, null, null);
    }

    private static void appendJarToBootstrapPath(Instrumentation inst, byte[] bytes) throws IOException {
        Path jar = Files.createTempFile("tinygram-bootstrap-", ".jar");
        jar.toFile().deleteOnExit();
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry(BRIDGE_ENTRY));
            out.write(bytes);
            out.closeEntry();
        }
        inst.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
    }

    private static boolean alreadyOnBootstrapPath() {
        try {
            Class.forName(BRIDGE_CLASS, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
