package dev.tinygram.it.entryfixture;

/** Checks the version, but on one path starts the newer code first. */
public final class CheckAfterEntry {
    private CheckAfterEntry() {}

    public static void premain(String args) {
        if (args == null) start("");
        if (FixtureFloor.refusal(System.getProperty("java.specification.version")) == null) start(args);
    }

    private static void start(String args) {
        NewerRuntime.start(args);
    }
}
