package dev.tinygram.fix;

import java.util.Locale;

/** The {@code quickack=} option: on which connections TCP_QUICKACK is re-armed after every read. */
public enum QuickackScope {
    /** None. */
    OFF,
    /** Those with an inbound finding, from then on. */
    FLAGGED,
    /** Every connection. */
    ALL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
