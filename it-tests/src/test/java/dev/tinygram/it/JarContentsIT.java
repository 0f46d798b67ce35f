package dev.tinygram.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinygram.it.classfile.ClassFile;
import dev.tinygram.it.classfile.EntryGuard;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped agent jar: its manifest, that its entry classes are safe on a JVM older than tinygram's floor, and
 * that everything it bundles is relocated under dev/tinygram/ so it cannot clash with an application's own
 * ASM, byte-buddy, slf4j or weak-lock-free.
 */
class JarContentsIT {
    /** Java 8's class-file version: what the oldest JVM still widely run can load. */
    private static final int JAVA_8 = 52;
    private static final List<String> ENTRY_ATTRIBUTES = List.of("Premain-Class", "Agent-Class", "Main-Class");
    private static final EntryGuard.Gate VERSION_CHECK = new EntryGuard.Gate("dev/tinygram/agent/JavaFloor", "refusal");
    private static final String FIXTURES = "dev/tinygram/it/entryfixture/";
    private static final String SHADED = "dev/tinygram/shaded/";
    private static final String[] UNRELOCATED = {"net/bytebuddy/", "org/objectweb/asm/", "org/slf4j/", "com/blogspot/"};
    private static final String SLF4J_PROVIDER_SERVICE =
            "META-INF/services/dev.tinygram.shaded.org.slf4j.spi.SLF4JServiceProvider";

    private static JarFile jar;
    private static List<String> names;

    @BeforeAll
    static void open() throws IOException {
        jar = new JarFile(Forked.AGENT_JAR.toFile());
        names = Collections.list(jar.entries()).stream().map(JarEntry::getName).collect(Collectors.toList());
    }

    @AfterAll
    static void close() throws IOException {
        if (jar != null) jar.close();
    }

    @Test
    void manifestDeclaresTheAgentAndTheCli() throws IOException {
        Manifest manifest = jar.getManifest();
        assertNotNull(manifest, "no manifest in " + Forked.AGENT_JAR);
        Attributes a = manifest.getMainAttributes();
        assertEquals("dev.tinygram.agent.TinygramAgent", a.getValue("Premain-Class"));
        assertEquals("dev.tinygram.agent.TinygramAgent", a.getValue("Agent-Class"));
        assertEquals("dev.tinygram.cli.Main", a.getValue("Main-Class"));
        assertEquals("true", a.getValue("Can-Redefine-Classes"));
        assertEquals("true", a.getValue("Can-Retransform-Classes"));
        for (String cls : List.of("dev/tinygram/agent/TinygramAgent.class", "dev/tinygram/cli/Main.class")) {
            assertTrue(names.contains(cls), cls + " is named in the manifest but missing");
        }
    }

    /**
     * No JDK older than 17 can be installed here, so the jar says it: a Java 8 or 11 JVM can load each entry class
     * (class-file version 52), and must not meet a class compiled for 17 before the entry has checked the version.
     */
    @Test
    void entryClassesAreJava8ClassFiles() throws IOException {
        for (String entry : entryClasses()) {
            assertEquals(JAVA_8, jarClass(entry).major, entry + ": an old JVM cannot load a newer class file, and exits");
        }
    }

    @Test
    void entryClassesReachNewerCodeOnlyPastTheVersionCheck() throws IOException {
        EntryGuard guard = new EntryGuard(JarContentsIT::jarClassOrNull, c -> c.major > JAVA_8, VERSION_CHECK);
        for (String entry : entryClasses()) {
            EntryGuard.Verdict verdict = guard.check(entry);
            assertEquals(List.of(), verdict.problems(), entry);
            assertNotNull(verdict.starter(), entry + " never reaches the agent: the rule would hold vacuously");
        }
    }

    /** The rule can fail: fixtures that reach the "newer" class before, or around, the check are each caught. */
    @Test
    void theEntryRuleCatchesNewerCodeReachedBeforeTheCheck() {
        EntryGuard guard = new EntryGuard(fixtures(), c -> c.name.endsWith("NewerRuntime"),
                new EntryGuard.Gate(FIXTURES + "FixtureFloor", "refusal"));
        EntryGuard.Verdict gated = guard.check(FIXTURES + "GatedEntry");
        assertEquals(List.of(), gated.problems());
        assertEquals("start", gated.starter());
        for (String bad : List.of("UngatedEntry", "CheckAfterEntry", "CatchStartsEntry", "DirectEntry")) {
            List<String> problems = guard.check(FIXTURES + bad).problems();
            assertTrue(!problems.isEmpty(), bad + " reaches the newer class before the check, and passed");
        }
        assertTrue(guard.check(FIXTURES + "CatchStartsEntry").problems().toString().contains("does not pass"));
    }

    @Test
    void everyClassLivesUnderDevTinygram() {
        List<String> outside = names.stream().filter(n -> n.endsWith(".class"))
                .filter(n -> !n.startsWith("dev/tinygram/")).collect(Collectors.toList());
        assertEquals(List.of(), outside, "classes outside dev/tinygram/ (not relocated)");
        for (String prefix : UNRELOCATED) {
            List<String> found = names.stream().filter(n -> n.startsWith(prefix)).collect(Collectors.toList());
            assertEquals(List.of(), found, "unrelocated " + prefix + " entries");
        }
    }

    @Test
    void bundledLibrariesAreRelocatedUnderShaded() {
        assertTrue(names.contains(SHADED + "org/objectweb/asm/ClassReader.class"), "no relocated ASM");
        assertTrue(names.contains(SHADED + "net/bytebuddy/agent/ByteBuddyAgent.class"), "no relocated byte-buddy-agent");
        assertTrue(names.stream().noneMatch(n -> n.startsWith(SHADED + "net/bytebuddy/asm/")),
                "byte-buddy itself ships again: the hooks need only ASM");
        assertTrue(names.contains(SHADED + "org/slf4j/LoggerFactory.class"), "no relocated slf4j-api");
        assertTrue(names.stream().anyMatch(n -> n.startsWith(SHADED + "org/slf4j/simple/") && n.endsWith(".class")),
                "no relocated slf4j-simple");
    }

    @Test
    void noClassRefersToAnUnrelocatedName() throws IOException {
        // A relocated class that still names net/bytebuddy/... or org/objectweb/asm/... in its constant pool would
        // load the application's copy.
        List<String> offenders = new ArrayList<>();
        for (String name : names) {
            if (!name.endsWith(".class")) continue;
            String text;
            try (InputStream in = jar.getInputStream(jar.getJarEntry(name))) {
                text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            }
            for (String prefix : UNRELOCATED) {
                for (int i = text.indexOf(prefix); i >= 0; i = text.indexOf(prefix, i + 1)) {
                    if (!text.startsWith(SHADED, i - SHADED.length())) {
                        offenders.add(name + " -> " + prefix);
                        break;
                    }
                }
            }
        }
        assertEquals(List.of(), offenders, "classes that reference unrelocated internal names");
    }

    /** What the boot loader gets: the bridge the woven code calls, and the one type it calls through. */
    @Test
    void bootstrapPackageHoldsOnlyTheBridgeAndItsSinkType() {
        List<String> bootstrap = names.stream().filter(n -> n.startsWith("dev/tinygram/bootstrap/"))
                .filter(n -> n.endsWith(".class")).sorted().collect(Collectors.toList());
        assertEquals(List.of("dev/tinygram/bootstrap/EventSink.class", "dev/tinygram/bootstrap/TinygramBridge.class"),
                bootstrap);
    }

    @Test
    void noMultiReleaseEntries() {
        List<String> versioned = names.stream().filter(n -> n.startsWith("META-INF/versions/"))
                .collect(Collectors.toList());
        assertEquals(List.of(), versioned, "META-INF/versions/ entries cannot be relocated");
    }

    private static List<String> entryClasses() throws IOException {
        Attributes a = jar.getManifest().getMainAttributes();
        List<String> entries = new ArrayList<>();
        for (String attribute : ENTRY_ATTRIBUTES) {
            String entry = a.getValue(attribute).replace('.', '/');
            if (!entries.contains(entry)) entries.add(entry);
        }
        return entries;
    }

    private static final Map<String, ClassFile> PARSED = new HashMap<>();

    private static ClassFile jarClass(String name) throws IOException {
        ClassFile c = jarClassOrNull(name);
        assertNotNull(c, name + " is not in the jar");
        return c;
    }

    /** A class of the agent jar by internal name, or null for one it does not hold (the JDK's). */
    private static ClassFile jarClassOrNull(String name) {
        return PARSED.computeIfAbsent(name, n -> {
            JarEntry e = jar.getJarEntry(n + ".class");
            if (e == null) return null;
            try (InputStream in = jar.getInputStream(e)) {
                return new ClassFile(in.readAllBytes());
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
    }

    /** The fixtures, from this module's test classes; anything else counts as the JDK's. */
    private static Function<String, ClassFile> fixtures() {
        return name -> {
            if (!name.startsWith(FIXTURES)) return null;
            try (InputStream in = JarContentsIT.class.getResourceAsStream("/" + name + ".class")) {
                return in == null ? null : new ClassFile(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    @Test
    void relocatedSlf4jProviderIsRegistered() throws IOException {
        JarEntry service = jar.getJarEntry(SLF4J_PROVIDER_SERVICE);
        assertNotNull(service, SLF4J_PROVIDER_SERVICE + " is missing: the agent's slf4j would find no provider");
        List<String> providers;
        try (InputStream in = jar.getInputStream(service)) {
            providers = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toList());
        }
        assertTrue(!providers.isEmpty(), SLF4J_PROVIDER_SERVICE + " names no provider");
        for (String provider : providers) {
            assertTrue(provider.startsWith("dev.tinygram.shaded."), "provider not relocated: " + provider);
            assertTrue(names.contains(provider.replace('.', '/') + ".class"), "provider class missing: " + provider);
        }
        // An unrelocated service file would hand the agent's provider to the application's slf4j.
        List<String> leaked = names.stream().filter(n -> n.startsWith("META-INF/services/"))
                .filter(n -> n.startsWith("META-INF/services/org.slf4j.") || n.startsWith("META-INF/services/net.bytebuddy."))
                .collect(Collectors.toList());
        assertEquals(List.of(), leaked, "unrelocated service files");
    }
}
