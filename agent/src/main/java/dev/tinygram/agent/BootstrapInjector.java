package dev.tinygram.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Puts the bridge and its sink type in the bootstrap loader, where code woven into java.base can see it, and lets
 * java.base read it. Must run before any agent class touches the bridge: class loading is parent-first, so
 * from then on every reference resolves to the bootstrap copy.
 */
final class BootstrapInjector {
    static final String BRIDGE_CLASS = "dev.tinygram.bootstrap.TinygramBridge";
    /** What goes into the boot loader, in the order it must be defined: the sink type before the bridge using it. */
    static final List<String> BOOT_CLASSES = List.of("dev.tinygram.bootstrap.EventSink", BRIDGE_CLASS);

    private BootstrapInjector() {}

    /** Returns the bridge class as the bootstrap loader has it. */
    static Class<?> inject(Instrumentation inst) throws Exception {
        Module javaBase = Object.class.getModule();
        Module agent = BootstrapInjector.class.getModule();
        if (!alreadyOnBootstrapPath()) {
            Map<String, byte[]> classes = new LinkedHashMap<>();
            for (String name : BOOT_CLASSES) classes.put(name, bytesOf(entry(name)));
            try {
                defineInBootLoader(inst, javaBase, agent, classes);
            } catch (ReflectiveOperationException | RuntimeException e) {
                appendJarToBootstrapPath(inst, classes);
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
    private static void defineInBootLoader(Instrumentation inst, Module javaBase, Module agent,
                                           Map<String, byte[]> classes) throws ReflectiveOperationException {
        inst.redefineModule(javaBase, Set.of(), Map.of("jdk.internal.misc", Set.of(agent)), Map.of(), Set.of(),
                Map.of());
        Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
        Object unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
        Method define = unsafeClass.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                ClassLoader.class, ProtectionDomain.class);
        for (Map.Entry<String, byte[]> c : classes.entrySet()) {
            define.invoke(unsafe, c.getKey(), c.getValue(), 0, c.getValue().length, null, null);
        }
    }

    private static void appendJarToBootstrapPath(Instrumentation inst, Map<String, byte[]> classes)
            throws IOException {
        Path jar = Files.createTempFile("tinygram-bootstrap-", ".jar");
        jar.toFile().deleteOnExit();
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (Map.Entry<String, byte[]> c : classes.entrySet()) {
                out.putNextEntry(new JarEntry(entry(c.getKey())));
                out.write(c.getValue());
                out.closeEntry();
            }
        }
        inst.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
    }

    private static String entry(String className) {
        return className.replace('.', '/') + ".class";
    }

    private static byte[] bytesOf(String entry) throws IOException {
        try (InputStream in = BootstrapInjector.class.getClassLoader().getResourceAsStream(entry)) {
            if (in == null) throw new IOException(entry + " is missing from the agent jar");
            return in.readAllBytes();
        }
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
