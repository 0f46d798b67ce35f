package dev.tinygram.demo.bench;

/** One section of the report: prints its heading, runs its children, prints its tables. */
interface Section {
    void run() throws Exception;
}
