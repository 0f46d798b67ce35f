package dev.tinygram.demo;

import java.io.PrintStream;

/** Exactly {@link WwrClient}, but the request is sent with one write: the fix in the application's code. */
final class WriteOnceClient extends RequestResponseDemo {

    @Override
    public String name() {
        return "write-once";
    }

    @Override
    public String description() {
        return "wwr-client rewritten to send each request with one write (no stall)";
    }

    @Override
    String expectation() {
        return "one write per request: no stall expected";
    }

    @Override
    public int run(Options o, PrintStream out, PrintStream err) throws Exception {
        return WwrClient.run(this, o, out, err, WwrClient.Variant.ONE_WRITE);
    }
}
