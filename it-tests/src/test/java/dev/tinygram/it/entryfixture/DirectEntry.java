package dev.tinygram.it.entryfixture;

/** Names the newer code straight from premain, after the check: one method then both checks and starts. */
public final class DirectEntry {
    private DirectEntry() {}

    public static void premain(String args) {
        if (FixtureFloor.refusal(System.getProperty("java.specification.version")) == null) NewerRuntime.start(args);
    }
}
