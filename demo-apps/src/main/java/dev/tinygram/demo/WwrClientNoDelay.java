package dev.tinygram.demo;

import java.io.PrintStream;

/** Exactly {@link WwrClient}, but the client socket has TCP_NODELAY set by the application: no stall. */
final class WwrClientNoDelay extends RequestResponseDemo {

    @Override
    public String name() {
        return "wwr-client-nodelay";
    }

    @Override
    public String description() {
        return "wwr-client with setTcpNoDelay(true) on the client socket (no stall)";
    }

    @Override
    String expectation() {
        return "TCP_NODELAY set by the client: no stall expected";
    }

    @Override
    public int run(Options o, PrintStream out, PrintStream err) throws Exception {
        return WwrClient.run(this, o, out, err, WwrClient.Variant.TWO_WRITES_NODELAY);
    }
}
