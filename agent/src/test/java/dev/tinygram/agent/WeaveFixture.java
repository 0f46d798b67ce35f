package dev.tinygram.agent;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Methods of the same names and descriptors as hooked JDK methods, so {@link HookWeaverTest} can weave the real
 * table into a class of its own and call it. Each records that its own body ran.
 */
public class WeaveFixture {
    public final List<String> ran = new ArrayList<>();
    public IOException readFailure;
    public boolean connectsAtOnce = true;
    public IOException closeFailure;

    /** NioSocketImpl.write: starts with a loop, so its first instruction is a jump target with a frame. */
    public void write(byte[] bytes, int offset, int length) {
        do {
            ran.add("write " + length);
        } while (offset++ < 0);
    }

    /** NioSocketImpl.read. */
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (readFailure != null) throw readFailure;
        ran.add("read");
        return length;
    }

    /** SocketChannelImpl.read(ByteBuffer): catches a throw of its own, which must never reach the woven handler. */
    public int read(ByteBuffer target) throws IOException {
        try {
            if (target.capacity() >= 0) throw new IllegalStateException("inside");
        } catch (IllegalStateException e) {
            ran.add("caught inside");
        }
        return 3;
    }

    /** SocketChannelImpl.read(ByteBuffer[], int, int): a long returned. */
    public long read(ByteBuffer[] targets, int offset, int length) throws IOException {
        if (readFailure != null) throw readFailure;
        return 5_000_000_000L;
    }

    /** SocketChannelImpl.write(ByteBuffer[], int, int). */
    public long write(ByteBuffer[] sources, int offset, int length) {
        long n = 0;
        for (int i = offset; i < offset + length; i++) {
            n += sources[i].remaining();
            sources[i].position(sources[i].limit());
        }
        return n;
    }

    /** NioSocketImpl.connect. */
    public void connect(SocketAddress address, int timeout) {
        ran.add("connect");
    }

    /** SocketChannelImpl.connect. */
    public boolean connect(SocketAddress address) {
        ran.add("channel connect");
        return connectsAtOnce;
    }

    /** NioSocketImpl.setOption(int, Object). */
    public void setOption(int option, Object value) {
        ran.add("option " + option);
    }

    /** NioSocketImpl.close. */
    public void close() throws IOException {
        ran.add("close");
        if (closeFailure != null) throw closeFailure;
    }
}
