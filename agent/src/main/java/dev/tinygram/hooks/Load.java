package dev.tinygram.hooks;

/** A value the woven code hands to a bridge method, read from the hooked method's frame. */
public enum Load {
    /** The receiver. */
    THIS,
    /** The hooked method's first parameter. */
    ARG0,
    ARG1,
    ARG2
}
