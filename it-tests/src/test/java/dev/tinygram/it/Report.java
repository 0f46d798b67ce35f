package dev.tinygram.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A report file, parsed strictly: every line must be one well-formed JSON object with the documented fields. */
public final class Report {
    public static final Set<String> REQUIRED_FIELDS = Set.of("time", "kind", "local", "remote", "api", "nodelay",
            "writes", "heldBytes", "predictedStallMs", "observedWaitMs", "callSite", "stack", "mode", "role", "mss",
            "rttMs", "hint", "occurrences", "confirmedOccurrences");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Report() {}

    /** Whether a file is readable and writable by its owner only. */
    public static boolean isOwnerOnly(Path file) throws IOException {
        return Files.getPosixFilePermissions(file).equals(java.util.EnumSet.of(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE));
    }

    /** The findings in {@code file}; an absent file has none. */
    public static List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> findings = new ArrayList<>();
        if (!Files.exists(file)) return findings;
        int n = 0;
        for (String line : Files.readAllLines(file)) {
            n++;
            JsonNode node = JSON.readTree(line);
            if (node == null || !node.isObject()) throw new AssertionError(file + ":" + n + " is not an object: " + line);
            for (String field : REQUIRED_FIELDS) {
                if (!node.has(field)) throw new AssertionError(file + ":" + n + " lacks '" + field + "': " + line);
            }
            findings.add(node);
        }
        return findings;
    }
}
