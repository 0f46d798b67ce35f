package dev.tinygram.kernel;

import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Asks the kernel about a connection, {@code getsockopt(TCP_INFO)} on its descriptor, and corks it
 * ({@code TCP_CORK}), on Linux with JDK 22 or later. The system calls go through the classes of package
 * {@code dev.tinygram.ffm}, loaded from the agent's jar into a named module of their own, {@code dev.tinygram.ffm},
 * in a layer defined here; native access is turned on for that module alone (as
 * {@code --enable-native-access=dev.tinygram.ffm} would), so the JDK prints no warning and the application's own
 * class path keeps its own setting. Used only at the moments that matter (a connection's first sight, a read that
 * waits for held bytes, a confirmed stall, a channel burst's cork), never per write.
 */
public final class KernelReader {
    static final String MODULE = "dev.tinygram.ffm";
    private static final String PACKAGE = "dev.tinygram.ffm";
    private static final String CLASS = PACKAGE + ".Getsockopt";
    private static final String SET_CLASS = PACKAGE + ".Setsockopt";
    /** The module's classes in the agent's jar: what its reader lists. */
    static final Set<String> CLASS_FILES = Set.of("dev/tinygram/ffm/Getsockopt.class",
            "dev/tinygram/ffm/Setsockopt.class", "dev/tinygram/ffm/Ffm.class");
    /** {@code TCP_CORK}, from include/uapi/linux/tcp.h. */
    static final int TCP_CORK = 3;

    private final SocketFd fds;
    private final Object getsockopt;
    private final MethodHandle read;   // (Getsockopt, int, int, int, byte[]) int
    private final Object setsockopt;
    private final MethodHandle write;  // (Setsockopt, int, int, int, int) boolean

    private KernelReader(SocketFd fds, Object getsockopt, MethodHandle read, Object setsockopt, MethodHandle write) {
        this.fds = fds;
        this.getsockopt = getsockopt;
        this.read = read;
        this.setsockopt = setsockopt;
        this.write = write;
    }

    /**
     * A reader, or an exception whose message says in a few words why there is none here (the caller logs it
     * once and the model carries on alone).
     */
    public static KernelReader open(Instrumentation inst, ClassLoader agentLoader) throws Exception {
        return openWith(module -> inst.redefineModule(Object.class.getModule(), Set.of(),
                Map.of("jdk.internal.access", Set.of(module)), Map.of(), Set.of(), Map.of()), agentLoader);
    }

    /**
     * The same, where {@code exportAccess} exports {@code java.base/jdk.internal.access} to the given module (the
     * agent does it with its {@code Instrumentation}; a benchmark, which has none, by other means).
     */
    public static KernelReader openWith(Consumer<Module> exportAccess, ClassLoader agentLoader) throws Exception {
        String unsupported = unsupportedHere();
        if (unsupported != null) throw new UnsupportedOperationException(unsupported);
        SocketFd fds = SocketFd.load();
        Module module = defineModule(agentLoader);
        exportAccess.accept(module);
        Class<?> type = Class.forName(CLASS, true, module.getClassLoader());
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        try {
            boolean enabled = (boolean) lookup.findStatic(type, "enableNativeAccess",
                    MethodType.methodType(boolean.class)).invoke();
            if (!enabled) throw new IllegalStateException("native access stayed off for " + MODULE);
            Object bound = lookup.findStatic(type, "bind", MethodType.methodType(type)).invoke();
            MethodHandle read = lookup.findVirtual(type, "read", MethodType.methodType(int.class, int.class,
                    int.class, int.class, byte[].class));
            Class<?> setType = Class.forName(SET_CLASS, true, module.getClassLoader());
            Object setBound = lookup.findStatic(setType, "bind", MethodType.methodType(setType)).invoke();
            MethodHandle write = lookup.findVirtual(setType, "write", MethodType.methodType(boolean.class,
                    int.class, int.class, int.class, int.class));
            return new KernelReader(fds, bound, read, setBound, write);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * The kernel's {@code tcp_info} for {@code connection} (a Socket's NioSocketImpl or a SocketChannelImpl), or
     * null if it has no descriptor now or the call failed.
     */
    public TcpInfo read(Object connection) {
        int fd = fds.of(connection);
        if (fd < 0) return null;
        byte[] buffer = new byte[TcpInfo.BUFFER_BYTES];
        int length;
        try {
            length = (int) read.invoke(getsockopt, fd, TcpInfo.IPPROTO_TCP, TcpInfo.TCP_INFO, buffer);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("getsockopt(TCP_INFO) on descriptor " + fd, t);
        }
        return length > 0 ? TcpInfo.decode(buffer, length) : null;
    }

    /**
     * Sets or clears {@code TCP_CORK} on {@code connection} (a SocketChannelImpl): while it is set, the kernel
     * sends only full segments, and clearing it sends what it held. False if the connection has no descriptor
     * now or the kernel refused.
     */
    public boolean cork(Object connection, boolean on) {
        int fd = fds.of(connection);
        if (fd < 0) return false;
        try {
            return (boolean) write.invoke(setsockopt, fd, TcpInfo.IPPROTO_TCP, TCP_CORK, on ? 1 : 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("setsockopt(TCP_CORK) on descriptor " + fd, t);
        }
    }

    /**
     * Why this platform has no kernel calls, in a few words, or null where it may have them (Linux, JDK 22 or
     * later): cheap, for the start line.
     */
    public static String unsupportedHere() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return "TCP_INFO is Linux's";
        }
        if (Runtime.version().feature() < 22) {
            return "needs JDK 22 or later for the FFM API, this is " + Runtime.version().feature();
        }
        return null;
    }

    /** Defines {@value #MODULE} from the agent's jar in a layer of its own, with the agent's loader as parent. */
    private static Module defineModule(ClassLoader agentLoader) {
        ModuleDescriptor descriptor = ModuleDescriptor.newModule(MODULE).packages(Set.of(PACKAGE)).exports(PACKAGE)
                .build();
        ModuleReference reference = new ModuleReference(descriptor, null) {
            @Override
            public ModuleReader open() {
                return new JarEntries(agentLoader);
            }
        };
        ModuleFinder finder = new ModuleFinder() {
            @Override
            public Optional<ModuleReference> find(String name) {
                return MODULE.equals(name) ? Optional.of(reference) : Optional.empty();
            }

            @Override
            public Set<ModuleReference> findAll() {
                return Set.of(reference);
            }
        };
        ModuleLayer boot = ModuleLayer.boot();
        Configuration configuration = boot.configuration().resolve(finder, ModuleFinder.of(), Set.of(MODULE));
        return boot.defineModulesWithOneLoader(configuration, agentLoader).findModule(MODULE).orElseThrow();
    }

    /** The module's class files, read from the agent's jar through its loader. */
    private static final class JarEntries implements ModuleReader {
        private final ClassLoader loader;

        JarEntries(ClassLoader loader) {
            this.loader = loader;
        }

        @Override
        public Optional<URI> find(String name) {
            URL url = CLASS_FILES.contains(name) ? loader.getResource(name) : null;
            try {
                return url == null ? Optional.empty() : Optional.of(url.toURI());
            } catch (URISyntaxException e) {
                return Optional.empty();
            }
        }

        @Override
        public Optional<InputStream> open(String name) {
            return CLASS_FILES.contains(name) ? Optional.ofNullable(loader.getResourceAsStream(name))
                    : Optional.empty();
        }

        @Override
        public Stream<String> list() {
            return CLASS_FILES.stream();
        }

        @Override
        public void close() {}
    }
}
