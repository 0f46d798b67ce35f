package dev.tinygram.fix;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Writes bytes to a socket the JDK's own way, through {@code NioSocketImpl.write}, which loops until all are
 * written. Called with the bridge's guard up, so the hook on that method lets it through untouched.
 */
public final class JdkWriter implements SocketWriter {
    private final MethodHandle socketWrite;

    /** Needs sun.nio.ch opened to the agent. */
    public JdkWriter() throws ReflectiveOperationException {
        Class<?> impl = Class.forName("sun.nio.ch.NioSocketImpl");
        socketWrite = MethodHandles.privateLookupIn(impl, MethodHandles.lookup())
                .findVirtual(impl, "write", MethodType.methodType(void.class, byte[].class, int.class, int.class));
    }

    @Override
    public void write(Object socket, byte[] bytes, int offset, int length) throws IOException {
        try {
            socketWrite.invoke(socket, bytes, offset, length);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }
}
