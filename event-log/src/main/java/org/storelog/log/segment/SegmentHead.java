package org.storelog.log.segment;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A cheap fingerprint of the embedded log's head: the newest segment's name, size and
 * modification time, read with one directory listing and one stat, without opening or scanning
 * anything. Equal fingerprints mean no record was appended in between (appends grow the newest
 * segment or create a newer one; recovery truncation changes size and time), so a reader that
 * remembers the fingerprint of the log it has folded can skip opening the log altogether.
 */
public final class SegmentHead {
    private SegmentHead() {}

    /** The fingerprint, or {@code "empty"} when the directory holds no segment. */
    public static String fingerprint(Path logDir) throws IOException {
        String newest = null;
        long newestBase = -1;
        if (!Files.isDirectory(logDir)) return "empty";
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(logDir, "*.events")) {
            for (Path p : ds) {
                long base = RecordLayout.baseSequenceOf(p.getFileName().toString());
                if (base > newestBase) {
                    newestBase = base;
                    newest = p.getFileName().toString();
                }
            }
        }
        if (newest == null) return "empty";
        BasicFileAttributes a = Files.readAttributes(logDir.resolve(newest), BasicFileAttributes.class);
        return newest + ":" + a.size() + ":" + a.lastModifiedTime() + ":" + a.fileKey();
    }
}
