package dev.tinygram.agent;

import dev.tinygram.fix.CoalesceStats;
import dev.tinygram.report.CallSiteTotals;
import dev.tinygram.report.Findings;
import dev.tinygram.tracker.Tracker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The MBean: reads the agent as it is now ({@link AgentRuntime#current}); it outlives detach, which it reports as
 * mode "off". Setting the mode is a start with the current options and another mode.
 */
final class AgentView implements AgentMXBean {

    private static Running now() {
        return AgentRuntime.current();
    }

    private static Findings findings() {
        return now().base().findings();
    }

    private static CoalesceStats coalesceStats() {
        return now().base().coalesceStats();
    }

    @Override
    public String getVersion() {
        return AgentRuntime.VERSION;
    }

    @Override
    public String getMode() {
        Running r = now();
        return r.installed() ? r.options().mode().label() : "off";
    }

    @Override
    public void setMode(String mode) {
        Mode m;
        try {
            m = Mode.valueOf(mode.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad mode '" + mode + "': expected observe, nodelay, coalesce or off");
        }
        try {
            Running r = now();
            if (!r.installed() && m == Mode.OFF) return;
            AgentRuntime.apply(r.options().withMode(m), r.base().instrumentation());
        } catch (Exception e) {
            throw new IllegalStateException("cannot change the mode: " + e.getMessage());
        }
    }

    @Override
    public String getOptions() {
        Running r = now();
        return r.installed() ? r.options().describe() : "mode=off";
    }

    @Override
    public long getConnectionsTracked() {
        Tracker t = now().tracker();
        return t == null ? 0 : t.connectionsTracked();
    }

    @Override
    public long getConnectionsOpen() {
        Tracker t = now().tracker();
        return t == null ? 0 : t.connectionsOpen();
    }

    @Override
    public long getWriteWriteReads() {
        return findings().writeWriteReads();
    }

    @Override
    public long getStallsPredicted() {
        return findings().stallsPredicted();
    }

    @Override
    public long getStallsConfirmed() {
        return findings().stallsConfirmed();
    }

    @Override
    public long getStallsNotPredicted() {
        return findings().stallsNotPredicted();
    }

    @Override
    public long getStallsContradictedByKernel() {
        return findings().stallsContradicted();
    }

    @Override
    public long getStallsAvoided() {
        return findings().stallsAvoided();
    }

    @Override
    public long getWritesCoalesced() {
        return coalesceStats().writesBuffered();
    }

    @Override
    public long getBytesCoalesced() {
        return coalesceStats().bytesBuffered();
    }

    @Override
    public Map<String, Long> getFlushesByCause() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (CoalesceStats.Cause c : CoalesceStats.Cause.values()) {
            m.put(c.name().toLowerCase(Locale.ROOT), coalesceStats().flushes(c));
        }
        return m;
    }

    @Override
    public Map<String, Long> getStallsPredictedByCallSite() {
        return findings().predictedByCallSite();
    }

    @Override
    public Map<String, Double> getMillisWaitedByCallSite() {
        return findings().millisWaitedByCallSite();
    }

    /** The rows of the {@code CallSites} table that {@link AgentMBean} adds. */
    List<CallSiteTotals> callSiteTotals() {
        return findings().totalsByCallSite();
    }
}
