package dev.tinygram.fix;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A thread-safe recording {@link SocketWriter}: keeps every byte written, each call, and can be told to fail. */
final class Recorder implements SocketWriter {
    /** One call to the writer. */
    record Call(Object socket, byte[] array, int offset, int length, byte[] bytes) {}

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Call> calls = new ArrayList<>();
    private IOException failWith;
    private int attempts;

    @Override
    public synchronized void write(Object socket, byte[] bytes, int offset, int length) throws IOException {
        attempts++;
        if (failWith != null) throw failWith;
        calls.add(new Call(socket, bytes, offset, length, Arrays.copyOfRange(bytes, offset, offset + length)));
        out.write(bytes, offset, length);
    }

    synchronized void failWith(IOException e) {
        failWith = e;
    }

    synchronized byte[] bytes() {
        return out.toByteArray();
    }

    synchronized int size() {
        return out.size();
    }

    synchronized List<Call> calls() {
        return new ArrayList<>(calls);
    }

    synchronized int attempts() {
        return attempts;
    }
}
