package dev.tinygram.agent;

import java.util.Map;

/**
 * {@code dev.tinygram:type=Agent}: what the agent does and has seen, for jconsole, jcmd or {@code status PID}.
 * Setting {@code Mode} changes the mode live, as attaching again with {@code mode=} does. The registered MBean
 * ({@link AgentMBean}) also has the {@code CallSites} table, which an MXBean interface cannot declare.
 */
public interface AgentMXBean {
    String OBJECT_NAME = "dev.tinygram:type=Agent";

    String getVersion();

    String getMode();

    void setMode(String mode);

    String getOptions();

    long getConnectionsTracked();

    long getConnectionsOpen();

    long getWriteWriteReads();

    long getStallsPredicted();

    long getStallsConfirmed();

    /** Delayed-ACK stalls the measured wait showed where the model predicted none: the model's misses. */
    long getStallsNotPredicted();

    /**
     * Stalls the model predicted where the kernel (TCP_INFO, JDK 22+ on Linux) held nothing as the read began:
     * false alarms the kernel stopped, not reported. Always 0 where the kernel is not asked.
     */
    long getStallsContradictedByKernel();

    long getStallsAvoided();

    long getWritesCoalesced();

    long getBytesCoalesced();

    Map<String, Long> getFlushesByCause();

    /** Bounded by the {@code maxCallSites} option, as the {@code CallSites} table ({@link AgentMBean}) is. */
    Map<String, Long> getStallsPredictedByCallSite();

    /** Bounded by the {@code maxCallSites} option, as the {@code CallSites} table ({@link AgentMBean}) is. */
    Map<String, Double> getMillisWaitedByCallSite();
}
