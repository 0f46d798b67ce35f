package dev.tinygram.demo.bench;

import java.util.List;

/** An agent setting for a child JVM; {@code agentArgs} null means no agent. */
record Mode(String name, String agentArgs) {
    static final Mode OFF = new Mode("off", null);
    static final Mode OBSERVE = new Mode("observe", "mode=observe,log=warn");
    /** The settings every demo is measured under, the baseline (off) first. */
    static final List<Mode> ALL = List.of(OFF, OBSERVE, new Mode("nodelay", "mode=nodelay,log=warn"),
            new Mode("coalesce", "mode=coalesce,log=warn"));

    /** Off and observe leave Nagle and delayed ACKs alone: a client that stalls still stalls under them. */
    boolean leavesStalls() {
        return equals(OFF) || equals(OBSERVE);
    }
}
