package dev.tinygram.it.entryfixture;

/** Today's entry shape: it starts the newer code with no version check at all. */
public final class UngatedEntry {
    private UngatedEntry() {}

    public static void premain(String args) {
        try {
            start(args);
        } catch (Throwable t) {
            System.err.println("could not start");
        }
    }

    private static void start(String args) {
        NewerRuntime.start(args);
    }
}
