package dev.tinygram.demo.bench;

import java.util.List;

/**
 * A request/response demo of section 1. {@code stalls}: without a fix it waits on delayed ACKs, so it gets fewer
 * requests; {@code segments}: it supports --segments.
 */
record DemoSpec(String demo, List<String> args, boolean stalls, boolean segments) {
    static final List<DemoSpec> ALL = List.of(
            new DemoSpec("wwr-client", List.of(), true, true),
            new DemoSpec("split-response", List.of(), true, false),
            new DemoSpec("nio-client", List.of("--blocking"), true, false),
            new DemoSpec("nio-client", List.of("--nonblocking"), true, false),
            new DemoSpec("tls-client", List.of(), true, false),
            new DemoSpec("virtual-threads", List.of(), true, false),
            new DemoSpec("interactive", List.of(), false, false),
            new DemoSpec("wwr-client-nodelay", List.of(), false, true));

    String label() {
        return args.isEmpty() ? demo : demo + " " + String.join(" ", args);
    }

    boolean isWwrClient() {
        return demo.equals("wwr-client");
    }

    /** virtual-threads needs JDK 21+; on an older JDK its row says it was skipped. */
    boolean runsOn(int jdkFeature) {
        return !demo.equals("virtual-threads") || jdkFeature >= 21;
    }
}
