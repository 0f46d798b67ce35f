/**
 * Observe: what one connection's writes and reads say about Nagle stalls. Feeds each connection's decision core,
 * keeps the write burst since the last read, and turns a held write followed by a read into a {@link
 * dev.tinygram.observe.Finding}. Decides no fix: it is told what tinygram does on a connection, and says what it
 * saw. Depends on the core and the connection vocabulary only.
 */
package dev.tinygram.observe;
