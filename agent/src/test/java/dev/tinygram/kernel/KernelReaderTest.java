package dev.tinygram.kernel;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the kernel reader on any JDK: its module serves every class of {@code dev.tinygram.ffm},
 * and before JDK 22 it says why there is none. Reading TCP_INFO itself is {@code KernelEvidenceIT}'s, on JDK 25.
 */
class KernelReaderTest {

    @Test
    void theModuleListsEveryClassOfItsPackage() throws Exception {
        Path dir = Path.of(Class.forName("dev.tinygram.ffm.Getsockopt", false, getClass().getClassLoader())
                .getProtectionDomain().getCodeSource().getLocation().toURI()).resolve("dev/tinygram/ffm");
        Set<String> built;
        try (Stream<Path> files = Files.list(dir)) {
            built = files.map(p -> "dev/tinygram/ffm/" + p.getFileName())
                    .filter(n -> n.endsWith(".class") && !n.endsWith("package-info.class"))
                    .collect(Collectors.toSet());
        }
        assertEquals(built, KernelReader.CLASS_FILES, "a class the module's reader does not serve cannot load");
    }

    @Test
    void beforeJdk22ItSaysWhyThereIsNone() {
        assumeTrue(Runtime.version().feature() < 22, "this check is for the JDKs without the FFM API");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> KernelReader.open(null, getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("JDK 22"), e.getMessage());
    }
}
