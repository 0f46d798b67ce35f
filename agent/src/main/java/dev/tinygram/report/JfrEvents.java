package dev.tinygram.report;

import dev.tinygram.observe.Finding;
import jdk.jfr.FlightRecorder;

/**
 * Findings as JFR events, only while JFR is initialized: nothing can be recording before that, and loading the
 * first {@link StallEvent} sets up JFR's event machinery, tens of milliseconds spent inside the application's read.
 * A runtime without the jdk.jfr module simply has no events.
 */
final class JfrEvents {
    private static volatile boolean available = true;

    private JfrEvents() {}

    static void emit(Finding f, String mode) {
        if (!available) return;
        try {
            if (FlightRecorder.isInitialized()) StallEvent.emit(f, mode);
        } catch (LinkageError missing) {
            available = false;
        }
    }
}
