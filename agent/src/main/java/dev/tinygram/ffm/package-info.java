/**
 * The agent's one caller of native code: {@code getsockopt(2)} through the Foreign Function and Memory API (JDK 22
 * and later). Loaded only into a named module of its own ({@code dev.tinygram.ffm}, in a layer the agent defines),
 * so that native access can be enabled for it alone, without a warning in the application's output and without
 * enabling it for the application's own class path. Compiled for JDK 17: it reaches the API through method
 * handles. Speaks JDK types only; nothing of the agent's imports it (it is called reflectively, through the
 * layer).
 */
package dev.tinygram.ffm;
