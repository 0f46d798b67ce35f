package dev.tinygram.fix;

import dev.tinygram.conn.Endpoint;
import java.util.List;

/**
 * Which connections a fix mode acts on, and how coalescing is bounded.
 *
 * @param nodelay       set TCP_NODELAY (mode=nodelay, and coalesce, which needs it)
 * @param coalesce      gather small writes in user space
 * @param flaggedOnly   act only on connections where a stall was predicted, from that moment on
 * @param include       act only on remotes matching one of these (empty: all)
 * @param exclude       never act on remotes matching one of these
 * @param maxDelayNanos the longest a coalesced byte waits before it is sent anyway
 * @param coalesceBytes the buffer bound; 0 means one MSS
 * @param quickack      where TCP_QUICKACK is re-armed after every read (any mode; include and exclude apply)
 */
public record FixPolicy(boolean nodelay, boolean coalesce, boolean flaggedOnly, List<HostPortPattern> include,
                        List<HostPortPattern> exclude, long maxDelayNanos, int coalesceBytes,
                        QuickackScope quickack) {

    /** Without quickack. */
    public FixPolicy(boolean nodelay, boolean coalesce, boolean flaggedOnly, List<HostPortPattern> include,
                     List<HostPortPattern> exclude, long maxDelayNanos, int coalesceBytes) {
        this(nodelay, coalesce, flaggedOnly, include, exclude, maxDelayNanos, coalesceBytes, QuickackScope.OFF);
    }

    public static FixPolicy none() {
        return new FixPolicy(false, false, false, List.of(), List.of(), 0, 0, QuickackScope.OFF);
    }

    public boolean fixes() {
        return nodelay || coalesce;
    }

    /** Whether the fix applies to this connection's remote end. */
    public boolean appliesTo(Endpoint endpoint) {
        if (!fixes()) return false;
        return matches(endpoint);
    }

    /** Whether quickack= applies to this connection's remote end (in any mode). */
    public boolean quickackAppliesTo(Endpoint endpoint) {
        return quickack != QuickackScope.OFF && matches(endpoint);
    }

    private boolean matches(Endpoint endpoint) {
        String remote = Endpoint.text(endpoint.remote());
        for (HostPortPattern p : exclude) {
            if (p.matches(remote)) return false;
        }
        if (include.isEmpty()) return true;
        for (HostPortPattern p : include) {
            if (p.matches(remote)) return true;
        }
        return false;
    }
}
