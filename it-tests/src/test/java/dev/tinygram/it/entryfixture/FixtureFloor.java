package dev.tinygram.it.entryfixture;

/** The fixtures' version check: a refusal below "17", null at or above. No string concatenation (no indy). */
public final class FixtureFloor {
    private FixtureFloor() {}

    public static String refusal(String version) {
        return version.startsWith("1.") || version.compareTo("17") < 0 ? "below the floor" : null;
    }
}
