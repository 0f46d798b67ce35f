package dev.tinygram.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the tour finds a newer JDK beside the running one: a folder of fake JDKs, as /usr/lib/jvm holds real ones. */
class JdkBesideTest {
    @TempDir
    Path jvms;

    @Test
    void findsTheNewestJdkNewEnoughWithARunnableJava() throws IOException {
        Path home17 = jdk("java-17-openjdk-amd64", "17.0.15", true);
        jdk("temurin-21-jdk", "21.0.2", true);
        Path home25 = jdk("temurin-25-jdk-amd64", "25", true);
        jdk("jdk-26-no-java", "26", false);   // no bin/java: not a JDK the tour can run
        jdk("java-8", "1.8.0_402", true);
        Files.createDirectories(jvms.resolve("not-a-jdk"));

        Optional<JdkBeside.Jdk> found = JdkBeside.newest(home17, 21);
        assertTrue(found.isPresent());
        assertEquals(25, found.get().feature());
        assertEquals(home25.toRealPath(), found.get().home());
        assertEquals(home25.toRealPath().resolve("bin/java").toString(), found.get().java());
        assertEquals(Optional.empty(), JdkBeside.newest(home17, 26));
    }

    @Test
    void noneNewEnoughIsEmpty() throws IOException {
        Path home17 = jdk("java-17-openjdk-amd64", "17.0.15", true);
        jdk("java-11", "11.0.22", true);
        assertEquals(Optional.empty(), JdkBeside.newest(home17, 21));
    }

    @Test
    void readsTheFeatureReleaseOfAReleaseFile() throws IOException {
        assertEquals(8, JdkBeside.feature(jdk("a", "1.8.0_402", true)));
        assertEquals(17, JdkBeside.feature(jdk("b", "17.0.15", true)));
        assertEquals(25, JdkBeside.feature(jdk("c", "25", true)));
        assertEquals(-1, JdkBeside.feature(jdk("d", "", true)));
        assertEquals(-1, JdkBeside.feature(jvms.resolve("missing")));
    }

    private Path jdk(String name, String version, boolean withJava) throws IOException {
        Path home = Files.createDirectories(jvms.resolve(name));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        if (withJava) {
            Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
            Files.writeString(java, "#!/bin/sh\n");
            Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return home;
    }
}
