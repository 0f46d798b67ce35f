package dev.tinygram.agent;

/**
 * The oldest Java tinygram runs on, and the check against it that the entry classes make first. Compiled for
 * Java 8 with them (src/main/java8), so that a Java 8 or 11 JVM can run it and be told, in one line, that it goes
 * on without tinygram, instead of failing to load a class compiled for 17. It must stay free of anything newer
 * than Java 8, and name no other class of tinygram's (JarContentsIT holds both).
 */
public final class JavaFloor {
    /** tinygram's floor; the hook table's first JDK (JavaFloorTest holds them equal). */
    public static final int FLOOR = 17;

    private JavaFloor() {}

    /**
     * Why tinygram must not start on the Java whose {@code java.specification.version} is {@code version}, as the
     * one line to print, ending in {@code consequence}; null when it may start. A version that cannot be read
     * does not stop it: the start path then runs, and any failure of it is one line too.
     */
    public static String refusal(String version, String consequence) {
        int feature = feature(version);
        if (feature < 0 || feature >= FLOOR) return null;
        return "tinygram: this is Java " + feature + ", below tinygram's floor of Java " + FLOOR + "; " + consequence;
    }

    /** The feature release in a {@code java.specification.version}: "1.8" is 8, "11" is 11; -1 if unreadable. */
    static int feature(String version) {
        if (version == null) return -1;
        String s = version.trim();
        if (s.startsWith("1.")) s = s.substring(2);   // Java 8 and before say 1.N
        int end = 0;
        while (end < s.length() && end < 9 && Character.isDigit(s.charAt(end))) end++;
        return end == 0 ? -1 : Integer.parseInt(s.substring(0, end));
    }
}
