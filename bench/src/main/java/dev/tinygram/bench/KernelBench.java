package dev.tinygram.bench;

import dev.tinygram.kernel.KernelReader;
import dev.tinygram.kernel.TcpInfo;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JDK 22+ on Linux: the kernel calls the agent makes through its FFM module, on a real connected loopback
 * SocketChannel, as {@code KernelReader} makes them for the agent.
 *
 * <ul>
 *   <li>{@code tcpInfo}: {@code getsockopt(TCP_INFO)} and its decoding: what a read that waits for held bytes,
 *       and a connection's first sight, cost.</li>
 *   <li>{@code corkUncork}: {@code setsockopt(TCP_CORK, 1)} then {@code (TCP_CORK, 0)} with nothing written: what
 *       mode=coalesce adds to a channel's burst. Scored per call.</li>
 * </ul>
 *
 * <p>The benchmark has no {@code Instrumentation} to export {@code jdk.internal.access} to the module with, as the
 * agent does; its fork opens {@code java.lang} and exports it through {@code Module.implAddExports}. On JDK 17 to
 * 21 the setup fails with the reason.
 */
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.net=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED"})
public class KernelBench extends JmhDefaults {
    private ServerSocketChannel listener;
    private SocketChannel client;
    private SocketChannel server;
    private KernelReader kernel;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        kernel = KernelReader.openWith(KernelBench::exportAccess, KernelReader.class.getClassLoader());
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = SocketChannel.open(listener.getLocalAddress());
        server = listener.accept();
        if (kernel.read(client) == null || !kernel.cork(client, false)) {
            throw new IllegalStateException("the kernel calls fail on a connected channel");
        }
    }

    private static void exportAccess(Module module) {
        try {
            Method export = Module.class.getDeclaredMethod("implAddExports", String.class, Module.class);
            export.setAccessible(true);
            export.invoke(Object.class.getModule(), "jdk.internal.access", module);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot export jdk.internal.access to " + module, e);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        client.close();
        server.close();
        listener.close();
    }

    @Benchmark
    public TcpInfo tcpInfo() {
        return kernel.read(client);
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public boolean corkUncork() {
        return kernel.cork(client, true) & kernel.cork(client, false);
    }
}
