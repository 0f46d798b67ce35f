package dev.tinygram.agent;

/** A bad agent option; the message names the key and the value. */
public final class OptionException extends Exception {
    public OptionException(String message) {
        super(message);
    }
}
