package dev.tinygram.core;

/**
 * The application's writes since its last read, as coalescing needs to see them when a write arrives.
 *
 * @param readerWaiting  a read is already waiting for the answer on another thread
 * @param writes         writes in this burst so far, the one arriving included
 * @param previousWrites writes in the burst before (between the two reads before), 0 before the first
 */
public record Burst(boolean readerWaiting, int writes, int previousWrites) {

    /** This write is the first since the last read. */
    public boolean starts() {
        return writes == 1;
    }
}
