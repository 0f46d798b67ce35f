package dev.tinygram.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Puts the one bridge class on the bootstrap class path, where advice inlined into java.base can see it, and
 * lets java.base read it. Must run before any agent class touches the bridge: class loading is parent-first, so
 * from then on every reference resolves to the bootstrap copy.
 */
final class BootstrapInjector {
    static final String BRIDGE_CLASS = "dev.tinygram.bootstrap.TinygramBridge";
    private static final String BRIDGE_ENTRY = BRIDGE_CLASS.replace('.', '/') + ".class";

    private BootstrapInjector() {}

    /** Returns the bridge class as the bootstrap loader has it. */
    static Class<?> inject(Instrumentation inst) throws IOException, ClassNotFoundException {
        if (!alreadyOnBootstrapPath()) {
            Path jar = Files.createTempFile("tinygram-bootstrap-", ".jar");
            jar.toFile().deleteOnExit();
            try (InputStream bridge = BootstrapInjector.class.getClassLoader().getResourceAsStream(BRIDGE_ENTRY);
                 OutputStream file = Files.newOutputStream(jar);
                 JarOutputStream out = new JarOutputStream(file)) {
                if (bridge == null) throw new IOException(BRIDGE_ENTRY + " is missing from the agent jar");
                out.putNextEntry(new JarEntry(BRIDGE_ENTRY));
                bridge.transferTo(out);
                out.closeEntry();
            }
            inst.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
        }
        Class<?> bridge = Class.forName(BRIDGE_CLASS, true, null);
        Module javaBase = Object.class.getModule();
        Module agent = BootstrapInjector.class.getModule();
        // java.base must read the bridge's (bootstrap, unnamed) module; java.net is opened to the agent for the
        // address fields of SocketImpl, and nothing else.
        inst.redefineModule(javaBase, Set.of(bridge.getModule()), Map.of(), Map.of("java.net", Set.of(agent)),
                Set.of(), Map.of());
        return bridge;
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
