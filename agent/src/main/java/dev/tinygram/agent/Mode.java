package dev.tinygram.agent;

import java.util.Locale;

/** What the agent does. */
public enum Mode {
    /** Watch, predict, report; change nothing. */
    OBSERVE,
    /** Set TCP_NODELAY on the application's connections. */
    NODELAY,
    /** Gather small writes in user space and send them as one, with TCP_NODELAY on. */
    COALESCE,
    /** Install nothing. */
    OFF;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
