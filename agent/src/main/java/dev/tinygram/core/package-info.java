/**
 * The Nagle decision core: a pure model of one TCP connection seen from the local side.
 *
 * <p>It models the sender's Nagle rule (Linux's Minshall variant, or the classic RFC 896 rule) and the peer's
 * delayed ACK, and from those decides, for every write, what leaves now and what is held, and, for every read,
 * whether the read will wait for held bytes: behind a delayed ACK, or for about one round trip. It does no I/O and has no clock: every call takes the
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
 *   <li>The peer's interactive ("pingpong") mode, after Linux: a connection first seen mid-life is assumed
 *       interactive, so its small segments wait for the delayed-ACK timer. The peer leaves the mode when that timer
 *       fires with nothing to ride on; out of it, it ACKs a small pushed segment as soon as its application reads
 *       it (the application is taken to wait in a read, as it cannot answer before the whole request); and it
 *       re-enters the mode when it answers within its delayed-ACK time of our last segment. The other profiles
 *       have no such mode.</li>
 *   <li>The RTT is the fastest of the recent upper bounds the JVM sees ({@link dev.tinygram.core.RttEstimate}):
 *       the time a connect took, answers to writes nothing held, and answers to held writes counted through the
 *       hold. On loopback it is fixed at 50 us.</li>
 *   <li>What a hold costs is measured against writing the burst once: from its last write until the ACK that
 *       releases the held tail comes back. Behind a delayed ACK that is the write-write-read stall; behind an ACK
 *       that is not delayed it is a Nagle hold of about one round trip ({@link dev.tinygram.core.HoldKind}).</li>
 * </ul>
 * Not modelled: a peer's second pushed small segment ACKed on read even in pingpong mode (ICSK_ACK_PUSHED2: a
 * Minshall sender keeps one small segment in flight, so it rarely applies), the peer's delayed-ACK timer growing
 * with the gaps it sees, congestion and receive windows, TCP_CORK, autocorking, loss and retransmission, and the
 * working MSS shrinking to half the peer's window (pass the working MSS if you know it).
 */
package dev.tinygram.core;
