package dev.tinygram.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tour's plan, without running it (TourIT in it-tests runs it whole). */
class TourTest {

    /** inbound-stall once refused the tour's --quiet, and its three runs exited with 2. */
    @Test
    void everyDemoAcceptsWhatTheTourPassesIt() throws Options.UsageException {
        for (Tour.Child c : Tour.CHILDREN) {
            Demo demo = Demos.find(c.demo());
            assertNotNull(demo, c.demo());
            List<String> args = new ArrayList<>(Tour.childArgs(c, List.of("--requests", "5", "--warmup", "1")));
            args.add("--quiet");
            Options.parse(args.toArray(new String[0]), 0, demo.options());
        }
    }

    /** Each stalling demo shows the finding of the kind its fix is for; a demo that does not stall shows none. */
    @Test
    void eachStallingDemoShowsTheFindingItsFixIsFor() {
        for (Tour.Child c : Tour.CHILDREN) {
            if (!c.stalls()) {
                assertNull(c.finding(), c.label());
            } else if (c.fix().startsWith("quickack")) {
                assertEquals(FindingLine.INBOUND, c.finding(), c.label());
            } else {
                assertEquals(FindingLine.OUTBOUND, c.finding(), c.label());
            }
        }
    }

    @Test
    void aDemoRunsOnThisJdkWhenItIsNewEnough() {
        Tour.Child virtualThreads = Tour.CHILDREN.stream().filter(c -> c.demo().equals("virtual-threads"))
                .findFirst().orElseThrow();
        assertEquals(21, virtualThreads.jdk());
        assertEquals(new Tour.ChildJdk("java", 21), Tour.jdkFor(virtualThreads, "java", 21));
        Tour.ChildJdk on17 = Tour.jdkFor(virtualThreads, "java", 17);
        assertEquals(on17.found(), JdkBeside.newest(Path.of(System.getProperty("java.home")), 21).isPresent());
    }

    @Test
    void saysWhichJdkRanADemoOrThatNoneWasFound() {
        Tour.Child virtualThreads = new Tour.Child("virtual-threads", List.of(), true, true, "mode=coalesce",
                FindingLine.OUTBOUND, 21);
        Path home = Path.of("/usr/lib/jvm/java-17");
        assertEquals("tour: virtual-threads needs JDK 21+: it runs on JDK 25 (/usr/lib/jvm/jdk-25/bin/java), found"
                + " beside this JDK 17", Tour.otherJdkLine(virtualThreads,
                new Tour.ChildJdk("/usr/lib/jvm/jdk-25/bin/java", 25), 17, home));
        assertEquals("tour: virtual-threads needs JDK 21+: skipped, no JDK 21+ is installed beside this JDK 17 (in"
                + " /usr/lib/jvm)", Tour.otherJdkLine(virtualThreads, new Tour.ChildJdk(null, -1), 17, home));
    }
}
