package dev.tinygram.demo;

import java.io.PrintStream;
import java.util.Map;

/** One experiment, selected by name on the command line. */
interface Demo {
    String name();

    /** One line for the usage text. */
    String description();

    /** Accepted options, in the order shown in the usage text. */
    Map<String, Options.Kind> options();

    /** Option synopsis for the usage text, e.g. {@code [--requests N]}. */
    String synopsis();

    /** Runs the demo; returns the exit status (0 ok, 1 integrity failure or error). */
    int run(Options opts, PrintStream out, PrintStream err) throws Exception;
}
