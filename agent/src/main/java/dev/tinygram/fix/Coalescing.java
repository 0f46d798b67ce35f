package dev.tinygram.fix;

/**
 * What mode=coalesce needs beside its policy: the JDK's own write, the timer for one maxDelay, the send threads
 * and the counters. The writer, threads and counters live as long as the agent; a new maxDelay brings a new timer,
 * and so a new kit: coalescers built with the old one are retired.
 */
public record Coalescing(SocketWriter writer, FlushTimer timer, SendThreads senders, CoalesceStats stats) {

    /** The same kit with a timer for another maxDelay. */
    public Coalescing withTimer(FlushTimer next) {
        return new Coalescing(writer, next, senders, stats);
    }
}
