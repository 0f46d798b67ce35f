package dev.tinygram.report;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The JSON-lines report: one object per line, each written straight to the file (no buffering in the JVM) so a
 * crash loses nothing already reported. A new file is created readable and writable by its owner only.
 */
public final class ReportFile implements Closeable {
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final Path path;
    private final FileChannel channel;

    private ReportFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Opens {@code path} for appending, creating it owner-only; fails with the reason if it cannot. */
    public static ReportFile open(Path path) throws IOException {
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        FileChannel channel = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? FileChannel.open(path, options, ownerOnly())
                : FileChannel.open(path, options);
        return new ReportFile(path, channel);
    }

    public Path path() {
        return path;
    }

    /** Appends one line. */
    public synchronized void write(String jsonLine) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((jsonLine + "\n").getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) channel.write(bytes);
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    private static FileAttribute<Set<PosixFilePermission>> ownerOnly() {
        return PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    }

    /** Whether a file has exactly owner read and write permissions (for tests and the self-check). */
    public static boolean isOwnerOnly(Path path) throws IOException {
        return Files.getPosixFilePermissions(path).equals(OWNER_ONLY);
    }
}
