package dev.tinygram.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.management.ObjectName;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The whole per-write path, nothing stubbed: an 80 B write to a real connected loopback socket's OutputStream, as
 * bulk-stream makes it, in a JVM without the agent and in one started with {@code -javaagent} in mode=observe
 * (hook inlined into the JDK, bridge, tracker, model), a thread on the other end reading everything. The
 * difference between the two is what observe adds to one write, system call included; it should explain
 * bulk-stream's steady-state difference.
 *
 * <p>The observe fork attaches the agent to itself before the trial, as {@code tinygram attach PID} would (the JVM
 * prints its dynamic-attach warning on JDK 21+): the jar is {@code -Dbench.agentJar=PATH}, which the
 * {@code bench} demo passes with {@code -jvmArgsPrepend}, else {@code agent/target/tinygram-agent.jar} under the
 * working directory. It checks, at its end, that the agent tracked the connection.
 */
public class WritePathBench extends JmhDefaults {
    private static final byte[] MESSAGE = new byte[80];

    private ServerSocket listener;
    private Socket client;
    private Socket server;
    private OutputStream out;
    private Thread drain;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws Exception {
        if (params.getBenchmark().endsWith("observe")) attachAgent();
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        client = new Socket();
        client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
        server = listener.accept();
        out = client.getOutputStream();
        InputStream in = server.getInputStream();
        drain = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                while (in.read(buffer) >= 0) {
                    // everything is read, as bulk-stream's server reads it
                }
            } catch (Exception closed) {
                // the trial ended
            }
        }, "drain");
        drain.setDaemon(true);
        drain.start();
    }

    private static void attachAgent() throws Exception {
        String jar = System.getProperty("bench.agentJar", "agent/target/tinygram-agent.jar");
        if (!java.nio.file.Files.isRegularFile(java.nio.file.Path.of(jar))) {
            throw new IllegalStateException("no agent jar at " + jar + ": run from the repository root, or pass"
                    + " -jvmArgsPrepend -Dbench.agentJar=PATH");
        }
        com.sun.tools.attach.VirtualMachine vm =
                com.sun.tools.attach.VirtualMachine.attach(String.valueOf(ProcessHandle.current().pid()));
        try {
            vm.loadAgent(jar, "log=warn");
        } finally {
            vm.detach();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown(BenchmarkParams params) throws Exception {
        client.close();
        drain.join(5_000);
        server.close();
        listener.close();
        if (params.getBenchmark().endsWith("observe")) {
            Object tracked = ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(new ObjectName("dev.tinygram:type=Agent"), "ConnectionsTracked");
            System.out.println("[tinygram] connections tracked: " + tracked);
            if (((Number) tracked).longValue() < 1) throw new IllegalStateException("the agent tracked nothing");
        }
    }

    @Benchmark
    @Fork(value = 1)
    public void withoutAgent() throws Exception {
        out.write(MESSAGE);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-Djdk.attach.allowAttachSelf=true"})
    public void observe() throws Exception {
        out.write(MESSAGE);
    }
}
