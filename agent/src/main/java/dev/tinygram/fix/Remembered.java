package dev.tinygram.fix;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What scope=flagged has flagged, beyond the connection it flagged: the call site of the held write, and the
 * remote. An application that opens a new connection per exchange from the same call site (FTP's data
 * connections, a churning pool) would otherwise stall again on each one. Shared by every fixer of one agent;
 * bounded, since call sites and remotes can be many.
 */
public final class Remembered {
    static final int MAX_ENTRIES = 1024;

    private final Set<String> sites = ConcurrentHashMap.newKeySet();
    private final Set<String> remotes = ConcurrentHashMap.newKeySet();

    void remember(String site, String remote) {
        if (site != null && sites.size() < MAX_ENTRIES) sites.add(site);
        if (remote != null && remotes.size() < MAX_ENTRIES) remotes.add(remote);
    }

    boolean knowsSite(String site) {
        return site != null && sites.contains(site);
    }

    boolean knowsRemote(String remote) {
        return remotes.contains(remote);
    }
}
