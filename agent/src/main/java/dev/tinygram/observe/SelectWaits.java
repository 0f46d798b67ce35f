package dev.tinygram.observe;

import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An NIO application waits for its answer in select, not in read. These are the channels that wrote a burst and
 * have not read since: a select on a selector they are registered with for reading is their wait. A channel can
 * write while blocking and be registered afterwards: the JDK's own HTTP server (before JDK 23) answers in blocking
 * mode, then hands the connection back to its selector to wait for the next request.
 */
public final class SelectWaits {
    private final Set<SelectableChannel> awaitingAnswer = ConcurrentHashMap.newKeySet();

    /** A write on {@code connection}: its wait can be a select, now or once it is made non-blocking. */
    public void wrote(Object connection) {
        if (connection instanceof SelectableChannel channel) awaitingAnswer.add(channel);
    }

    /** Data came, or the connection closed: its wait is over. */
    public void answered(Object connection) {
        if (connection instanceof SelectableChannel) awaitingAnswer.remove(connection);
    }

    /** The channels that wrote and have not read since, registered with {@code selector} for anything. */
    public List<SelectableChannel> registeredIn(Object selector) {
        if (awaitingAnswer.isEmpty()) return List.of();
        List<SelectableChannel> registered = new ArrayList<>(2);
        for (SelectableChannel channel : awaitingAnswer) {
            SelectionKey key = channel.keyFor((Selector) selector);
            if (key != null && key.isValid()) registered.add(channel);
        }
        return registered;
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
