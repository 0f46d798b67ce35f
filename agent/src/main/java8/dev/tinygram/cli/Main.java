package dev.tinygram.cli;

import dev.tinygram.agent.JavaFloor;

/**
 * The agent jar's Main-Class. Compiled for Java 8 (src/main/java8), like the agent's entry: run by an older
 * {@code java -jar}, it says in one line that the commands need the floor, where the JVM would otherwise stop on
 * an UnsupportedClassVersionError. Only {@link #run} names the commands, compiled for 17 (JarContentsIT).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        String refusal = JavaFloor.refusal(System.getProperty("java.specification.version"),
                "run tinygram's commands with Java " + JavaFloor.FLOOR + " or later");
        if (refusal != null) {
            System.err.println(refusal);
            System.exit(1);
        } else {
            run(args);
        }
    }

    private static void run(String[] args) {
        Commands.main(args);
    }
}
