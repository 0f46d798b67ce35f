package dev.tinygram.observe;

import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An NIO application waits for its answer in select, not in read. These are the non-blocking channels that wrote
 * a burst and have not read since: a select on a selector they are registered with for reading is their wait.
 */
public final class SelectWaits {
    private final Set<SelectableChannel> awaitingAnswer = ConcurrentHashMap.newKeySet();

    /** A write on {@code connection}; only a non-blocking channel's wait can be a select. */
    public void wrote(Object connection) {
        if (connection instanceof SelectableChannel channel && !channel.isBlocking()) awaitingAnswer.add(channel);
    }

    /** Data came, or the connection closed: its wait is over. */
    public void answered(Object connection) {
        if (connection instanceof SelectableChannel) awaitingAnswer.remove(connection);
    }

    /** The channels whose wait a select on {@code selector} starts: registered there for reading. */
    public List<SelectableChannel> waitingIn(Object selector) {
        if (awaitingAnswer.isEmpty()) return List.of();
        List<SelectableChannel> waiting = new ArrayList<>(2);
        for (SelectableChannel channel : awaitingAnswer) {
            SelectionKey key = channel.keyFor((Selector) selector);
            if (key != null && key.isValid() && (key.interestOps() & SelectionKey.OP_READ) != 0) waiting.add(channel);
        }
        return waiting;
    }
}
