package dev.tinygram.it.entryfixture;

/** Starts the newer code when the version check itself throws: that path never passed the check. */
public final class CatchStartsEntry {
    private CatchStartsEntry() {}

    public static void premain(String args) {
        try {
            if (FixtureFloor.refusal(System.getProperty("java.specification.version")) != null) return;
        } catch (RuntimeException e) {
            start(args);
            return;
        }
        start(args);
    }

    private static void start(String args) {
        NewerRuntime.start(args);
    }
}
