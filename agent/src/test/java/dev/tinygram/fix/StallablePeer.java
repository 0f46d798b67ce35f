package dev.tinygram.fix;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;

/**
 * A {@link SocketWriter} standing for a socket whose peer can stop reading: while stalled, a write blocks, as the
 * kernel's does with a full send buffer, until the peer reads again or the socket is closed, which fails it.
 */
final class StallablePeer implements SocketWriter {
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private boolean stalled;
    private boolean closed;
    private int blocked;

    @Override
    public synchronized void write(Object socket, byte[] bytes, int offset, int length) throws IOException {
        blocked++;
        try {
            while (stalled && !closed) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    throw new IOException("interrupted");
                }
            }
        } finally {
            blocked--;
        }
        if (closed) throw new SocketException("Socket closed");
        received.write(bytes, offset, length);
    }

    synchronized void stall() {
        stalled = true;
    }

    synchronized void readAgain() {
        stalled = false;
        notifyAll();
    }

    /** What the JDK's close does to a write blocked in the kernel: it fails. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    synchronized int blockedWrites() {
        return blocked;
    }

    synchronized byte[] received() {
        return received.toByteArray();
    }
}
