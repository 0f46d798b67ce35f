package dev.tinygram.fix;

import java.io.IOException;

/** Writes all of {@code bytes[offset, offset+length)} to a socket, or throws. */
@FunctionalInterface
public interface SocketWriter {
    void write(Object socket, byte[] bytes, int offset, int length) throws IOException;
}
