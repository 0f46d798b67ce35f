/**
 * The fix layer: every decision about fixing ({@link dev.tinygram.fix.Fixer}), each connection's fix state
 * ({@link dev.tinygram.fix.ConnectionFix}), and the means: TCP_NODELAY, and user-space coalescing with its
 * timer and send threads. Knows connections by their {@link dev.tinygram.conn.Endpoint}; never imports observe.
 */
package dev.tinygram.fix;
