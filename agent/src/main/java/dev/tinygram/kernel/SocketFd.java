package dev.tinygram.kernel;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.SocketImpl;

/**
 * The file descriptor behind a tracked connection, to ask the kernel about it: a Socket's {@code NioSocketImpl}
 * (the {@code fd} it inherits from {@link SocketImpl}) or a {@code SocketChannelImpl} ({@code fdVal}). Needs
 * {@code java.net} and {@code sun.nio.ch} opened to the agent, as it already has them for its hooks. Reading it
 * takes no lock and makes no system call.
 */
public final class SocketFd {
    private final MethodHandle implFd;
    private final MethodHandle fdVal;
    private final Class<?> channelClass;
    private final MethodHandle channelFdVal;

    private SocketFd(MethodHandle implFd, MethodHandle fdVal, Class<?> channelClass, MethodHandle channelFdVal) {
        this.implFd = implFd;
        this.fdVal = fdVal;
        this.channelClass = channelClass;
        this.channelFdVal = channelFdVal;
    }

    /**
     * Looks the JDK's fields up once.
     *
     * @throws ReflectiveOperationException where this JDK lays its sockets out otherwise, or the packages are not
     *                                      open to the agent: the caller says so once and carries on without
     */
    public static SocketFd load() throws ReflectiveOperationException {
        MethodHandles.Lookup here = MethodHandles.lookup();
        MethodHandle implFd = MethodHandles.privateLookupIn(SocketImpl.class, here)
                .findGetter(SocketImpl.class, "fd", FileDescriptor.class);
        Class<?> ioUtil = Class.forName("sun.nio.ch.IOUtil");
        MethodHandle fdVal = MethodHandles.privateLookupIn(ioUtil, here)
                .findStatic(ioUtil, "fdVal", MethodType.methodType(int.class, FileDescriptor.class));
        Class<?> channel = Class.forName("sun.nio.ch.SocketChannelImpl");
        MethodHandle channelFdVal = MethodHandles.privateLookupIn(channel, here)
                .findGetter(channel, "fdVal", int.class);
        return new SocketFd(implFd, fdVal, channel, channelFdVal);
    }

    /**
     * The descriptor of {@code connection} (a Socket's NioSocketImpl, or a SocketChannelImpl), or -1 if it has none
     * (closed, or not one of those). The number is only good while the connection is open: after a close the
     * kernel hands it to the next socket or file, so a caller asks while the application is using the connection.
     */
    public int of(Object connection) {
        try {
            if (channelClass.isInstance(connection)) {
                return ((java.nio.channels.Channel) connection).isOpen() ? (int) channelFdVal.invoke(connection) : -1;
            }
            if (connection instanceof SocketImpl) {
                FileDescriptor fd = (FileDescriptor) implFd.invoke((SocketImpl) connection);
                return fd == null ? -1 : (int) fdVal.invoke(fd);
            }
            return -1;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("reading the file descriptor of a " + connection.getClass().getName(), t);
        }
    }
}
