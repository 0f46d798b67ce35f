package dev.tinygram.fix;

/** What the {@link FlushTimer} watches: something that may hold a connection's bytes until maxDelay. */
interface Flushable {
    /** Sends what is held if it has waited maxDelay; true when nothing is held any more (stop watching). */
    boolean flushIfOverdue(Object connection);

    /** Whether something may be held again since the last look (a writer raced the timer). */
    boolean mayHaveBuffered(Object connection);
}
