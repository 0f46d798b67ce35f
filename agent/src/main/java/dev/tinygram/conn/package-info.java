/**
 * What a tracked connection is, for every layer above: its {@link dev.tinygram.conn.Endpoint} (API, addresses,
 * TCP_NODELAY at first sight), how those are read from the JDK's socket objects, and the {@link
 * dev.tinygram.conn.FixAction} tinygram applies to it. Depends on nothing of the agent's own.
 */
package dev.tinygram.conn;
