package dev.tinygram.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's package structure, held as rules over its compiled main classes. Dependencies point one way:
 *
 * <pre>
 * cli -> agent -> tracker -> observe -> core
 *                   |   \         \---> conn, kernel
 *                   |    \--> fix -----> core, conn, bootstrap
 *          agent -> hooks (a table of data: it names the bridge's methods, the woven code calls them)
 *          agent -> report -> observe, fix (its notices), core, conn, kernel
 * </pre>
 * bootstrap, core, conn and kernel depend on nothing of tinygram's; ffm neither, and nothing imports it (the
 * kernel reader loads it into a module of its own). Each rule names what a package may use; a new
 * import across the grain fails the build with the offending class and line.
 */
class PackageRulesTest {
    private static final String JDK = "java..";
    private static final String JDK_X = "javax..";
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.tinygram");
    }

    @Test
    void noPackageCycle() {
        noCycles("dev.tinygram.(*)..").check(main);
    }

    /** The cycle rule can fail: two test packages that import each other break it. */
    @Test
    void theCycleRuleCatchesACycle() {
        JavaClasses fixture = new ClassFileImporter().importPackages("dev.tinygram.archfixture.cycle");
        EvaluationResult result = noCycles("dev.tinygram.archfixture.cycle.(*)..").evaluate(fixture);
        assertTrue(result.hasViolation(), "a cycle between packages a and b must be reported");
        assertFalse(noCycles("dev.tinygram.(*)..").evaluate(main).hasViolation());
    }

    @Test
    void theBootLoaderPartSpeaksOnlyJdkTypes() {
        only("bootstrap", JDK).check(main);
    }

    @Test
    void theDecisionCoreIsPure() {
        only("core", JDK).check(main);
    }

    @Test
    void theKernelsWordDependsOnNothingOfOurs() {
        only("kernel", JDK).check(main);
    }

    @Test
    void theNativeCallerIsLoadedNotImported() {
        only("ffm", JDK).check(main);
        classes().that().resideOutsideOfPackage("dev.tinygram.ffm..").should().onlyDependOnClassesThat()
                .resideOutsideOfPackage("dev.tinygram.ffm..").check(main);
    }

    @Test
    void theConnectionVocabularyDependsOnNothingOfOurs() {
        only("conn", JDK).check(main);
    }

    @Test
    void observeDecidesNoFix() {
        only("observe", JDK, "dev.tinygram.core..", "dev.tinygram.conn..", "dev.tinygram.kernel..").check(main);
    }

    @Test
    void fixNeverImportsObserve() {
        only("fix", JDK, JDK_X, "dev.tinygram.core..", "dev.tinygram.conn..", "dev.tinygram.bootstrap..").check(main);
    }

    @Test
    void hooksAreDataThatImportsNothingOfOurs() {
        only("hooks", JDK).check(main);
    }

    @Test
    void theTrackerJoinsObserveAndFix() {
        only("tracker", JDK, "dev.tinygram.bootstrap..", "dev.tinygram.core..", "dev.tinygram.conn..",
                "dev.tinygram.observe..", "dev.tinygram.fix..", "dev.tinygram.kernel..",
                "com.blogspot.mydailyjava.weaklockfree..")
                .check(main);
    }

    @Test
    void reportReadsFindingsAndFixNotices() {
        only("report", JDK, "jdk.jfr..", "dev.tinygram.core..", "dev.tinygram.conn..", "dev.tinygram.observe..",
                "dev.tinygram.fix..", "dev.tinygram.kernel..", "org.slf4j..").check(main);
    }

    @Test
    void nothingBelowTheAgentReachesUp() {
        classes().that().resideOutsideOfPackages("dev.tinygram.agent..", "dev.tinygram.cli..")
                .should().onlyDependOnClassesThat().resideOutsideOfPackages("dev.tinygram.agent..",
                        "dev.tinygram.cli..")
                .check(main);
        classes().that().resideInAPackage("dev.tinygram.agent..")
                .should().onlyDependOnClassesThat().resideOutsideOfPackage("dev.tinygram.cli..")
                .check(main);
    }

    private static ArchRule noCycles(String slicePattern) {
        return slices().matching(slicePattern).should().beFreeOfCycles();
    }

    private static ArchRule only(String pkg, String... allowed) {
        List<String> packages = new java.util.ArrayList<>(List.of(allowed));
        packages.add("dev.tinygram." + pkg + "..");
        return classes().that().resideInAPackage("dev.tinygram." + pkg + "..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(packages.toArray(new String[0]));
    }
}
