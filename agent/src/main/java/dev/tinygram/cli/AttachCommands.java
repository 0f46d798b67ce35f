package dev.tinygram.cli;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import dev.tinygram.agent.AgentMXBean;
import dev.tinygram.agent.AgentOptions;
import dev.tinygram.agent.OptionException;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * {@code attach}, {@code detach}, {@code list} and {@code status}: tinygram for a JVM that is already running.
 * Every failure is one line that names the pid and the cause and says what to do, with exit status 1; bad
 * options are checked here first, so the target never sees them.
 */
final class AttachCommands {
    static final int SUPPORTED_FLOOR = 17;

    /** A failure the user can act on. */
    static final class AttachException extends Exception {
        AttachException(String message) {
            super(message);
        }
    }

    private AttachCommands() {}

    static int attach(String[] args, PrintStream out) throws UsageException, AttachException {
        if (args.length < 1 || args.length > 2) throw new UsageException("attach needs PID [key=value,...]");
        long pid = pid(args[0]);
        String options = args.length == 2 ? args[1] : "";
        AgentOptions parsed;
        try {
            parsed = AgentOptions.parse(options, new Properties());
        } catch (OptionException e) {
            throw new UsageException(e.getMessage() + "; nothing was sent to " + pid);
        }
        Target target = check(pid);
        load(pid, options);
        out.println("tinygram: attached to " + pid + " (" + target.name() + ", Java " + target.version() + "): "
                + parsed.describe());
        out.println("tinygram: findings go to the stderr of " + pid
                + (parsed.report() == null ? "" : " and to " + parsed.report().toAbsolutePath())
                + "; java -jar tinygram-agent.jar status " + pid + " shows the counters");
        if (target.version() >= 21) {
            out.println("tinygram: JDK " + target.version() + " prints a warning about a dynamically loaded agent;"
                    + " start it with -XX:+EnableDynamicAgentLoading to allow this quietly");
        }
        return 0;
    }

    static int detach(String[] args, PrintStream out) throws UsageException, AttachException {
        if (args.length != 1) throw new UsageException("detach needs PID");
        long pid = pid(args[0]);
        check(pid);
        load(pid, "mode=off");
        out.println("tinygram: detached from " + pid + ": buffered bytes sent, hooks removed, connections left as"
                + " the application set them up");
        return 0;
    }

    static int list(String[] args, PrintStream out) throws UsageException {
        if (args.length != 0) throw new UsageException("list takes no arguments");
        long self = ProcessHandle.current().pid();
        out.printf("%-8s %s%n", "PID", "MAIN CLASS OR JAR");
        for (VirtualMachineDescriptor vm : VirtualMachine.list()) {
            if (vm.id().equals(String.valueOf(self))) continue;
            out.printf("%-8s %s%n", vm.id(), vm.displayName().isBlank() ? "?" : vm.displayName());
        }
        return 0;
    }

    // The JMX address is the one the target JVM's own local management agent returns over the attach API, on
    // this machine, for a JVM of this user: not input from anyone else.
    @SuppressWarnings("BanJNDI")
    static int status(String[] args, PrintStream out) throws UsageException, AttachException {
        if (args.length != 1) throw new UsageException("status needs PID");
        long pid = pid(args[0]);
        check(pid);
        try {
            VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
            String address;
            try {
                address = vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
            try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                MBeanServerConnection server = jmx.getMBeanServerConnection();
                ObjectName name = new ObjectName(AgentMXBean.OBJECT_NAME);
                if (!server.isRegistered(name)) {
                    out.println(pid + ": tinygram is not attached (attach it with: java -jar tinygram-agent.jar attach "
                            + pid + ")");
                    return 0;
                }
                AgentMXBean agent = JMX.newMXBeanProxy(server, name, AgentMXBean.class);
                out.println(pid + ": tinygram " + agent.getVersion() + ", " + agent.getOptions());
                out.println("  connections: " + agent.getConnectionsTracked() + " tracked, " + agent.getConnectionsOpen()
                        + " open");
                out.println("  write-write-read: " + agent.getWriteWriteReads() + ", stalls predicted "
                        + agent.getStallsPredicted() + ", confirmed " + agent.getStallsConfirmed() + ", avoided "
                        + agent.getStallsAvoided());
                out.println("  coalesced: " + agent.getWritesCoalesced() + " writes, " + agent.getBytesCoalesced()
                        + " B; sends by cause " + agent.getFlushesByCause());
                for (Map.Entry<String, Long> e : agent.getStallsPredictedByCallSite().entrySet()) {
                    out.printf("  %s: %d stalls predicted, %.1f ms waited%n", e.getKey(), e.getValue(),
                            agent.getMillisWaitedByCallSite().getOrDefault(e.getKey(), 0.0));
                }
            }
            return 0;
        } catch (AttachNotSupportedException | IOException | javax.management.JMException e) {
            throw new AttachException("status " + pid + ": cannot read its JMX view (" + e.getMessage()
                    + "); is it a JVM of this user that allows attach?");
        }
    }

    // ---- checks ----------------------------------------------------------------------------------------------

    private record Target(String name, int version) {}

    private static long pid(String text) throws UsageException {
        try {
            long pid = Long.parseLong(text);
            if (pid > 0) return pid;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException("bad PID '" + text + "': expected a process id, as 'list' shows");
    }

    /** The target exists, is a JVM of this user that accepts attach, and runs a supported Java. */
    private static Target check(long pid) throws AttachException {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            throw new AttachException(pid + ": no such process; 'java -jar tinygram-agent.jar list' shows the JVMs"
                    + " you can attach to");
        }
        String me = System.getProperty("user.name");
        Optional<String> owner = process.get().info().user();
        if (owner.isPresent() && !owner.get().equals(me) && !me.equals("root")) {
            throw new AttachException(pid + ": belongs to user " + owner.get() + ", and a JVM only accepts attach from"
                    + " its own user; run this as " + owner.get() + " (sudo -u " + owner.get() + " java -jar ...)");
        }
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(String.valueOf(pid));
        } catch (AttachNotSupportedException e) {
            throw new AttachException(pid + ": attach refused (" + e.getMessage() + "); is it a JVM, running as "
                    + "this user, without -XX:+DisableAttachMechanism?");
        } catch (IOException e) {
            throw new AttachException(pid + ": attach failed (" + e.getMessage() + "); try again, or check that it "
                    + "is a running JVM of this user");
        }
        try {
            Properties p = systemProperties(vm);
            int version = feature(p.getProperty("java.specification.version", "0"));
            String name = p.getProperty("sun.java.command", "?").split(" ")[0];
            if (version < SUPPORTED_FLOOR) {
                throw new AttachException(pid + ": runs Java " + p.getProperty("java.specification.version")
                        + ", below tinygram's floor of Java " + SUPPORTED_FLOOR + "; nothing was loaded");
            }
            return new Target(name, version);
        } catch (IOException e) {
            throw new AttachException(pid + ": cannot read its system properties (" + e.getMessage() + ")");
        } finally {
            try {
                vm.detach();
            } catch (IOException ignored) {
                // the check is done
            }
        }
    }

    /** The target's system properties; read twice if the first read breaks off (seen right after a JMX start). */
    private static Properties systemProperties(VirtualMachine vm) throws IOException {
        try {
            return vm.getSystemProperties();
        } catch (IOException first) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw first;
            }
            return vm.getSystemProperties();
        }
    }

    /** Loads the agent jar (this jar) into the target, with byte-buddy-agent. */
    private static void load(long pid, String options) throws AttachException {
        try {
            File jar = new File(AttachCommands.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            ByteBuddyAgent.attach(jar, String.valueOf(pid), options);
        } catch (URISyntaxException e) {
            throw new AttachException("cannot locate the agent jar: " + e.getMessage());
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new AttachException(pid + ": loading the agent failed (" + cause + "); the target's stderr may say"
                    + " more");
        }
    }

    private static int feature(String specVersion) {
        try {
            return Integer.parseInt(specVersion.startsWith("1.") ? specVersion.substring(2) : specVersion);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
