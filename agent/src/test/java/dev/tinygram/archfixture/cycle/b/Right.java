package dev.tinygram.archfixture.cycle.b;

import dev.tinygram.archfixture.cycle.a.Left;

/** The other half of the deliberate package cycle. */
public final class Right {
    Left left;
}
