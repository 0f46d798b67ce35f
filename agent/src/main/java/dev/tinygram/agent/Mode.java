package dev.tinygram.agent;

import java.util.Locale;

/** What the agent does. */
public enum Mode {
    /** Watch, predict, report; change nothing. */
    OBSERVE,
    /** Install nothing. */
    OFF;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
