package dev.tinygram.it.entryfixture;

/** Stands for the code compiled for 17: the fixtures' rule calls every class named *NewerRuntime newer. */
public final class NewerRuntime {
    private NewerRuntime() {}

    public static void start(String args) {
        System.err.println(args);
    }
}
