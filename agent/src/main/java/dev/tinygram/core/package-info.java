/**
 * The Nagle decision core: a pure model of one TCP connection seen from the local side.
 *
 * <p>It models the sender's Nagle rule (Linux's Minshall variant, or the classic RFC 896 rule) and the peer's
 * delayed ACK, and from those decides, for every write, what leaves now and what is held, and, for every read,
 * whether the read will stall waiting for a delayed ACK. It does no I/O and has no clock: every call takes the
 * time in nanoseconds. The agent, the coalescing fix and the offline {@code predict} command all drive it.
 *
 * <h2>What the core cannot see, and how it estimates it</h2>
 * The JVM never sees ACKs, so the core estimates when each segment it sent is acknowledged:
 * <ul>
 *   <li>A segment reaches the peer half an RTT after it leaves.</li>
 *   <li>The peer ACKs at once when its profile says so (Linux: more than one full-sized segment unacknowledged,
 *       judged by the peer's {@code rcv_mss}, which starts at 536 and follows the largest segment it has received;
 *       or quick-ack mode at the start of a connection). Otherwise its ACK waits for the delayed-ACK timer,
 *       which starts when the first unacknowledged segment arrives.</li>
 *   <li>The ACK reaches us half an RTT after the peer sends it.</li>
 *   <li>When data from the peer ends a read we were waiting on, that data acknowledges everything we sent before
 *       the wait began: a peer answers a request only once it has all of it.</li>
 *   <li>The peer is in interactive ("pingpong") mode once it has answered something we sent: then it delays
 *       ACKs rather than quick-acking them. A connection first seen mid-life is assumed interactive.</li>
 *   <li>The RTT starts from what the agent can see of the path (50 us on loopback; the time a connect took, for a
 *       connection the JVM opened; else 1 ms) and only
 *       goes down, to the fastest answer seen to a burst that was not held: write-to-answer time bounds the RTT
 *       from above, and a connection's first answers, from cold code, would teach one far too long.</li>
 * </ul>
 * Not modelled: congestion and receive windows, TCP_CORK, autocorking, loss and retransmission, and the
 * working MSS shrinking to half the peer's window (pass the working MSS if you know it).
 */
package dev.tinygram.core;
