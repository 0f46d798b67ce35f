package dev.tinygram.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The JDKs the integration tests run on: the one running Maven (17), and any JDK 21 or newer installed beside
 * it (in the same parent folder), found by reading each one's {@code release} file rather than by a fixed path.
 */
public final class Jdks {
    public record Jdk(int feature, Path home) {
        public String java() {
            return home.resolve("bin").resolve("java").toString();
        }

        @Override
        public String toString() {
            return "JDK " + feature;
        }
    }

    private static final List<Jdk> ALL = discover();

    private Jdks() {}

    public static List<Jdk> all() {
        return ALL;
    }

    public static Jdk current() {
        return ALL.get(0);
    }

    private static List<Jdk> discover() {
        Path home = Path.of(System.getProperty("java.home")).toAbsolutePath();
        List<Jdk> jdks = new ArrayList<>();
        jdks.add(new Jdk(Runtime.version().feature(), home));
        if ("current".equals(System.getProperty("tinygram.it.jdks"))) {
            System.out.println("it-tests: -Dtinygram.it.jdks=current: running forked JVMs on JDK "
                    + jdks.get(0).feature() + " only");
            return List.copyOf(jdks);
        }
        Jdk newest = null;
        try (Stream<Path> siblings = Files.list(home.getParent())) {
            for (Path dir : (Iterable<Path>) siblings::iterator) {
                int feature = feature(dir);
                if (feature >= 21 && Files.isExecutable(dir.resolve("bin/java"))
                        && (newest == null || feature > newest.feature())) {
                    newest = new Jdk(feature, dir.toRealPath());
                }
            }
        } catch (IOException e) {
            System.out.println("it-tests: cannot list " + home.getParent() + " for other JDKs: " + e);
        }
        if (newest != null && newest.feature() != jdks.get(0).feature()) {
            jdks.add(newest);
            System.out.println("it-tests: running forked JVMs on JDK " + jdks.get(0).feature() + " and JDK "
                    + newest.feature() + " (" + newest.home() + ")");
        } else {
            System.out.println("it-tests: no JDK 21+ found beside " + home + "; running on JDK "
                    + jdks.get(0).feature() + " only");
        }
        return List.copyOf(jdks);
    }

    private static int feature(Path dir) {
        Path release = dir.resolve("release");
        if (!Files.isRegularFile(release)) return -1;
        Properties p = new Properties();
        try (var in = Files.newInputStream(release)) {
            p.load(in);
            String v = p.getProperty("JAVA_VERSION", "").replace("\"", "");
            String major = v.startsWith("1.") ? v.substring(2) : v;
            int dot = major.indexOf('.');
            return Integer.parseInt(dot < 0 ? major : major.substring(0, dot));
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
