package dev.tinygram.agent;

import dev.tinygram.fix.Coalescing;
import dev.tinygram.tracker.Tracker;

/**
 * Everything the agent is at one moment, as one immutable value: the process-wide parts, the options in force,
 * and, while installed, the hooks and the tracker they feed. A start, an attach with new options, a JMX mode
 * change, a detach and a stand-down each build a new one; {@link AgentRuntime} holds the current one behind a
 * single volatile reference.
 *
 * @param base    what lives as long as the JVM once the agent first started
 * @param options the options in force (after a detach, the last ones, for a later JMX mode change)
 * @param hooks   the installed hooks, or null when detached or stood down
 * @param tracker the event sink the hooks feed, or null when detached or stood down
 */
record Running(Base base, AgentOptions options, Installer.Installed hooks, Tracker tracker) {

    boolean installed() {
        return hooks != null;
    }

    /** The coalescing kit in force, or null. */
    Coalescing coalescing() {
        return tracker == null ? null : tracker.fixer().coalescing();
    }

    /** This value after a detach or a stand-down: nothing installed, the options kept. */
    Running detached() {
        return new Running(base, options, null, null);
    }
}
