package dev.tinygram.it.apps;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application with its own slf4j 1.7 (+ slf4j-simple) and byte-buddy 1.14, older than the agent's copies, which the
 * agent must neither replace nor disturb. It also does write-write-read exchanges over a loopback socket it serves
 * itself, so the agent has a stall to report at this class.
 *
 * <p>Prints {@code RESULT app=own-libraries ok=BOOL slf4j=VERSION bytebuddy=VERSION binding=CLASS generated=TEXT}.
 */
public final class OwnLibrariesApp {
    /** The exact message the IT looks for on stderr (slf4j-simple logs there). */
    public static final String LOG_MESSAGE = "own-libraries: logging through the application's slf4j";
    static final int HEADER = 64;
    static final int BODY = 2000;
    static final int EXCHANGES = 6;

    public static void main(String[] args) throws Exception {
        Logger log = LoggerFactory.getLogger(OwnLibrariesApp.class);
        log.info(LOG_MESSAGE);
        String binding = LoggerFactory.getILoggerFactory().getClass().getName();
        String slf4j = versionOf(LoggerFactory.class, "org.slf4j", "slf4j-api");
        String bytebuddy = versionOf(ByteBuddy.class, "net.bytebuddy", "byte-buddy");

        // A fixed class-file version: byte-buddy 1.14 predates JDK 25, and this must work without the agent too.
        Class<?> generated = new ByteBuddy(ClassFileVersion.JAVA_V11)
                .subclass(Object.class)
                .name("dev.tinygram.it.apps.GeneratedByOwnByteBuddy")
                .method(ElementMatchers.named("toString")).intercept(FixedValue.value("generated-ok"))
                .make()
                .load(OwnLibrariesApp.class.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER)
                .getLoaded();
        String text = generated.getDeclaredConstructor().newInstance().toString();

        boolean exchanged = exchanges();
        boolean ok = "generated-ok".equals(text) && "org.slf4j.impl.SimpleLoggerFactory".equals(binding) && exchanged;
        System.out.println("RESULT app=own-libraries ok=" + ok + " slf4j=" + slf4j + " bytebuddy=" + bytebuddy
                + " binding=" + binding + " generated=" + text);
        System.out.flush();
        System.exit(ok ? 0 : 1);
    }

    /** The version in the pom.properties of the jar the class was actually loaded from. */
    static String versionOf(Class<?> type, String groupId, String artifactId) throws Exception {
        URL location = type.getProtectionDomain().getCodeSource().getLocation();
        try (JarFile jar = new JarFile(Path.of(location.toURI()).toFile())) {
            ZipEntry entry = jar.getEntry("META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties");
            if (entry == null) return "unknown(" + location + ")";
            Properties p = new Properties();
            try (InputStream in = jar.getInputStream(entry)) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        }
    }

    /**
     * {@link #EXCHANGES} request/reply exchanges on one connection with Nagle on (the JDK default): the header and the
     * body are written separately (the body waits for the server's delayed ACK of the header), then the reply is read.
     */
    static boolean exchanges() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread serverThread = new Thread(() -> serve(server), "own-libraries-server");
            serverThread.setDaemon(true);
            serverThread.start();
            try (Socket s = new Socket()) {
                s.connect(server.getLocalSocketAddress(), 5_000);
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                DataInputStream in = new DataInputStream(s.getInputStream());
                for (int i = 0; i < EXCHANGES; i++) {
                    byte[] header = new byte[HEADER];
                    byte[] body = new byte[BODY];
                    header[0] = (byte) i;
                    body[BODY - 1] = (byte) i;
                    out.write(header);
                    out.write(body); // tinygram:later-write
                    int reply = in.readInt();
                    if (reply != HEADER + BODY + i) return false;
                }
            }
        }
        return true;
    }

    private static void serve(ServerSocket server) {
        try (Socket s = server.accept()) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] message = new byte[HEADER + BODY];
            for (int i = 0; i < EXCHANGES; i++) {
                in.readFully(message);
                // One write for the whole reply: the server side must not stall on its own.
                out.write(ByteBuffer.allocate(4).putInt(message.length + message[HEADER + BODY - 1]).array());
            }
        } catch (IOException e) {
            System.err.println("own-libraries server: " + e);
        }
    }

    private OwnLibrariesApp() {}
}
