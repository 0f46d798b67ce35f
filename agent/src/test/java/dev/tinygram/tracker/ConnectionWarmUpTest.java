package dev.tinygram.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tinygram.bootstrap.TinygramBridge;
import dev.tinygram.core.Profile;
import org.junit.jupiter.api.Test;

class ConnectionWarmUpTest {

    @Test
    void runsAConnectionsWholePathThroughATrackerOfItsOwn() throws Exception {
        TinygramBridge.clear();
        ConnectionWarmUp.Ran ran = ConnectionWarmUp.run(new Tracker.Settings(Profile.named("linux"), 0, 32));
        assertEquals(2, ran.connections(), "both ends were tracked at first sight");
        assertTrue(ran.findings() > 0, "its write-write-reads went as far as findings: " + ran);
        assertNull(TinygramBridge.installed(), "nothing was installed in the hooks' place");
        ConnectionWarmUp.Ran again = ConnectionWarmUp.run(new Tracker.Settings(Profile.named("linux"), 0, 32));
        assertEquals(ran, again, "a run leaves nothing behind that a second one would see");
    }
}
