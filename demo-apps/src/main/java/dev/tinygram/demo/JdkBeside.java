package dev.tinygram.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A newer JDK installed beside the running one (in the same parent folder, as /usr/lib/jvm holds them), for a
 * demo the running JDK cannot run. Found the way the it-tests find theirs: by each folder's {@code release} file,
 * not by a fixed path.
 */
final class JdkBeside {
    /** A JDK: its feature release and its home. */
    record Jdk(int feature, Path home) {
        String java() {
            return home.resolve("bin").resolve("java").toString();
        }
    }

    private JdkBeside() {}

    /** The newest JDK of at least {@code feature} in {@code javaHome}'s parent folder, with a runnable java. */
    static Optional<Jdk> newest(Path javaHome, int feature) {
        Path parent = javaHome.toAbsolutePath().getParent();
        if (parent == null) return Optional.empty();
        Jdk newest = null;
        try (Stream<Path> siblings = Files.list(parent)) {
            for (Path dir : (Iterable<Path>) siblings::iterator) {
                int f = feature(dir);
                if (f >= feature && Files.isExecutable(dir.resolve("bin").resolve("java"))
                        && (newest == null || f > newest.feature())) {
                    newest = new Jdk(f, dir.toRealPath());
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(newest);
    }

    /** The feature release a JDK's {@code release} file names (JAVA_VERSION="25", "1.8.0_402"); -1 if none. */
    static int feature(Path jdk) {
        Path release = jdk.resolve("release");
        if (!Files.isRegularFile(release)) return -1;
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(release)) {
            p.load(in);
        } catch (IOException e) {
            return -1;
        }
        String v = p.getProperty("JAVA_VERSION", "").replace("\"", "");
        String major = v.startsWith("1.") ? v.substring(2) : v;
        int end = 0;
        while (end < major.length() && end < 9 && Character.isDigit(major.charAt(end))) end++;
        return end == 0 ? -1 : Integer.parseInt(major.substring(0, end));
    }
}
