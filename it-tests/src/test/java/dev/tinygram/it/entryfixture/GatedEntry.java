package dev.tinygram.it.entryfixture;

/** The shape the rule accepts: the version check, then, only if it passed, the one method that names newer code. */
public final class GatedEntry {
    private GatedEntry() {}

    public static void premain(String args) {
        try {
            String refusal = FixtureFloor.refusal(System.getProperty("java.specification.version"));
            if (refusal != null) {
                System.err.println(refusal);
                return;
            }
            start(args);
        } catch (Throwable t) {
            System.err.println("could not start");
        }
    }

    private static void start(String args) {
        NewerRuntime.start(args);
    }
}
