package dev.tinygram.cli;

/** Bad command-line input: the message names what was wrong; the caller prints it with the usage, exit 2. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
