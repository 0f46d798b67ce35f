package dev.tinygram.agent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's logger: slf4j-simple, relocated into the agent so it never meets the application's slf4j, to
 * stderr. Configured through its (relocated, so tinygram-only) system properties before first use.
 */
final class AgentLog {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private AgentLog() {}

    static Logger create(String level) {
        System.setProperty(PREFIX + "defaultLogLevel", level);
        System.setProperty(PREFIX + "logFile", "System.err");
        System.setProperty(PREFIX + "showThreadName", "false");
        System.setProperty(PREFIX + "showLogName", "true");
        System.setProperty(PREFIX + "levelInBrackets", "false");
        return LoggerFactory.getLogger("tinygram");
    }
}
