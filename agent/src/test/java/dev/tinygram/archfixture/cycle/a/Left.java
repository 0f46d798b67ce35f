package dev.tinygram.archfixture.cycle.a;

import dev.tinygram.archfixture.cycle.b.Right;

/** Half of a deliberate package cycle, for the test that proves the cycle rule can fail. */
public final class Left {
    Right right;
}
