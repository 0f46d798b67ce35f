package dev.tinygram.conn;

/** Which Java API a connection is used through. */
public enum Api {
    /** java.net.Socket (and SSLSocket over it), via its NioSocketImpl. */
    SOCKET("socket"),
    /** java.nio.channels.SocketChannel, including the streams of its socket() adaptor. */
    CHANNEL("channel");

    private final String label;

    Api(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
