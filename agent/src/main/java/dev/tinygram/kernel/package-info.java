/**
 * What the kernel itself says about a connection, as evidence beside the model: Linux's {@code struct tcp_info}
 * decoded ({@link dev.tinygram.kernel.TcpInfo}), and the file descriptor to ask it on ({@link
 * dev.tinygram.kernel.SocketFd}). Reading the struct needs a system call, which the JDK offers only through the
 * Foreign Function and Memory API (JDK 22 and later); these parts do not depend on it. Depends on nothing of
 * tinygram's.
 */
package dev.tinygram.kernel;
