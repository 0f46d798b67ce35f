package dev.tinygram.kernel;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketImpl;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The descriptor read from the JDK's socket objects is the connection's own: {@code /proc/self/fd/N} links to the
 * socket inode that {@code /proc/net/tcp} lists for its local port.
 */
class SocketFdTest {

    @Test
    void aChannelsDescriptorIsItsSocket() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux's /proc");
        SocketFd fds = SocketFd.load();
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel client = SocketChannel.open(server.getLocalAddress());
             SocketChannel accepted = server.accept()) {
            int fd = fds.of(client);
            assertTrue(fd > 2, "a descriptor: " + fd);
            assertEquals(inodeOfLocalPort(((InetSocketAddress) client.getLocalAddress()).getPort()), inodeOf(fd));
            assertNotEquals(fd, fds.of(accepted), "each end its own");
            client.close();
            assertEquals(-1, fds.of(client), "closed: none");
        }
    }

    @Test
    void aSocketsDescriptorIsItsSocket() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux's /proc");
        SocketFd fds = SocketFd.load();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            SocketImpl impl = (SocketImpl) MethodHandles.privateLookupIn(Socket.class, MethodHandles.lookup())
                    .findGetter(Socket.class, "impl", SocketImpl.class).invoke(client);
            assertEquals(-1, fds.of(impl), "the Socket's own impl is a SOCKS wrapper, not the one tinygram tracks");
            while (!impl.getClass().getName().equals("sun.nio.ch.NioSocketImpl")) {   // what the hooks see
                java.lang.reflect.Method delegate = Class.forName("java.net.DelegatingSocketImpl")
                        .getDeclaredMethod("delegate");
                delegate.setAccessible(true);
                impl = (SocketImpl) delegate.invoke(impl);
            }
            int fd = fds.of(impl);
            assertTrue(fd > 2, "a descriptor: " + fd);
            assertEquals(inodeOfLocalPort(client.getLocalPort()), inodeOf(fd));
        } catch (Throwable t) {
            if (t instanceof Exception e) throw e;
            throw new AssertionError(t);
        }
    }

    @Test
    void anythingElseHasNone() throws Exception {
        assertEquals(-1, SocketFd.load().of("not a socket"));
    }

    /** The inode {@code socket:[N]} that the descriptor links to. */
    private static String inodeOf(int fd) throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        assertTrue(link.startsWith("socket:["), link);
        return link.substring(8, link.length() - 1);
    }

    /** The inode /proc/net/tcp (or tcp6) lists for the socket bound to {@code port}, connected. */
    private static String inodeOfLocalPort(int port) throws IOException {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.isReadable(path)) continue;
            for (String line : Files.readAllLines(path)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("01")) return f[9];   // ESTABLISHED
            }
        }
        throw new AssertionError("no established socket on local port " + port);
    }
}
