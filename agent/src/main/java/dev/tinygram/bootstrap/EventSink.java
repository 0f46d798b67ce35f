package dev.tinygram.bootstrap;

import java.io.IOException;

/**
 * What the hooks saw, one method per event, named for what happened. The agent installs one sink in {@link
 * TinygramBridge}; the bridge calls it under a per-thread guard and turns any throwable other than a declared
 * IOException into the sink's {@link #failed}. Lives in the boot loader beside the bridge, so it speaks only in JDK
 * types: a connection is the JDK's own {@code NioSocketImpl} or {@code SocketChannelImpl}.
 *
 * <p>An IOException a method declares is the application's: the bridge lets it through to the JDK call, which
 * throws it as if the kernel had said so (a send of coalesced bytes failed). Nothing else ever reaches the
 * application.
 */
public interface EventSink {

    /**
     * A connect returned: {@code connection} is the client's end. {@code connectNanos} is how long the connect took,
     * about one round trip of the path, or -1 when unknown (a non-blocking connect finished later).
     */
    void opened(Object connection, long connectNanos);

    /** An accept produced {@code connection}: the server's end. */
    void accepted(Object connection);

    /** The application set TCP_NODELAY to {@code on}. */
    void nodelaySet(Object connection, boolean on);

    /**
     * A stream write of {@code length} bytes is about to go to the kernel. Returns true when the sink took the
     * bytes (coalesced them), so the JDK write must be skipped; false lets it run.
     */
    boolean writing(Object socket, byte[] bytes, int offset, int length) throws IOException;

    /**
     * A channel write of {@code bytes} is about to go to the kernel. Called only while {@link #buffersWrites}: the
     * sink may cork the channel first (mode=coalesce on JDK 22+); the write itself always goes ahead.
     */
    void channelWriting(Object channel, long bytes);

    /** A channel write ended; the kernel took {@code bytes} (&gt; 0). */
    void written(Object channel, long bytes);

    /** A blocking stream read is about to wait for data. */
    void readStarting(Object connection) throws IOException;

    /** A channel read is starting; the sink tells whether it can block. */
    void channelReadStarting(Object channel);

    /** A read ended: {@code bytes} &gt; 0 data, 0 nothing (a timeout, an empty non-blocking read), -1 end of stream. */
    void readEnded(Object connection, long bytes);

    /** {@code OutputStream.flush()} was called on some stream; the sink finds out whether it is a socket's. */
    void streamFlushed(Object stream) throws IOException;

    /** {@code shutdownOutput} is about to send the FIN. */
    void outputShuttingDown(Object connection) throws IOException;

    /** {@code shutdownOutput} returned: the FIN is sent. */
    void outputShutDown(Object connection);

    /** A close is about to run. An IOException is thrown by the close after it has closed the connection. */
    void closing(Object connection) throws IOException;

    /** A thread is about to wait in select on {@code selector}. */
    void selecting(Object selector);

    /**
     * Whether this sink may hold written bytes. Only then do stream flushes (of any OutputStream in the JVM) need to
     * come in: the bridge asks this first, without the guard, so it must be a plain field read.
     */
    boolean buffersWrites();

    /** A method of this sink threw; the bridge has already let go of it. Stand the agent down. */
    void failed(Throwable error);
}
