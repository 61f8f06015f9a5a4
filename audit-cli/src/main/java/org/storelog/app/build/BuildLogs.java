package org.storelog.app.build;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.stream.Stream;
import org.storelog.compress.Zstd;

/**
 * Build logs, zstd-compressed: {@code <state>/build-logs/<drv base name>/<UTC time>-<build id>.log.zst}.
 * File names sort by time, so the last one is the newest.
 */
public final class BuildLogs {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private final Path root;

    public BuildLogs(Path state) { this.root = state.resolve("build-logs"); }

    /** A new compressed log file for one build; close the stream to finish it. */
    public OutputStream create(String drvPath, String buildId) throws IOException {
        Path d = root.resolve(baseName(drvPath));
        Files.createDirectories(d);
        Path f = d.resolve(STAMP.format(Instant.now()) + "-" + buildId + ".log.zst");
        return Zstd.compressing(Files.newOutputStream(f), Zstd.DEFAULT_LEVEL);
    }

    /** The newest log of a derivation, if any. */
    public Optional<Path> latest(String drvPath) throws IOException {
        Path d = root.resolve(baseName(drvPath));
        if (!Files.isDirectory(d)) return Optional.empty();
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".log.zst")).max(Path::compareTo);
        }
    }

    /** Decompresses a log to {@code out}. */
    public static void copy(Path log, OutputStream out) throws IOException {
        try (InputStream in = Zstd.decompressing(Files.newInputStream(log))) {
            in.transferTo(out);
        }
    }

    private static String baseName(String drvPath) { return drvPath.substring(drvPath.lastIndexOf('/') + 1); }
}
