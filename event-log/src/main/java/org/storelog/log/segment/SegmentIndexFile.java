package org.storelog.log.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sparse index of a closed segment kept beside it ({@code %020d.index}), as Kafka keeps one
 * per segment: the first seek into a closed segment scans it once (a CRC check of every record,
 * ~0.15 s for a 64 MiB segment at start-up speed) and writes what it found, so the next process
 * reads a few kilobytes instead. It holds nothing the segment does not: it is derived, checked on
 * load (magic, CRC32C, the segment's size), checked again at use (the record at an entry's offset
 * must carry the entry's sequence number), rebuilt when either check fails, and may be deleted.
 *
 * <p>Layout ({@link SealedFile}, big-endian): magic {@code "SLIX"}, segment size (8 bytes), entry count (4), the entries
 * (sequence number, offset: 8 bytes each), CRC32C of everything before it.
 */
final class SegmentIndexFile {
    static final int MAGIC = 0x534C4958; // "SLIX"
    private static final int ENTRY = 16;

    private SegmentIndexFile() {}

    /** Where the index of the segment file {@code segment} ({@code %020d.events}) is kept. */
    static Path of(Path segment) {
        String name = segment.getFileName().toString();
        return segment.resolveSibling(name.substring(0, name.length() - ".events".length()) + ".index");
    }

    /** The entries written for a segment of {@code segmentSize} bytes, or null when there is no such intact file. */
    static Map<Long, Long> load(Path segment, long segmentSize) {
        ByteBuffer b = SealedFile.read(of(segment), MAGIC);
        if (b == null || b.remaining() < 12) return null;
        long size = b.getLong();
        int count = b.getInt();
        if (size != segmentSize || count < 0 || b.remaining() != (long) count * ENTRY) return null;
        TreeMap<Long, Long> entries = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            long seq = b.getLong(), offset = b.getLong();
            if (offset < 0 || offset >= segmentSize) return null;
            entries.put(seq, offset);
        }
        return entries;
    }

    /**
     * Writes the entries of a segment of {@code segmentSize} bytes (a temporary file renamed into
     * place). Failing to write (a read-only log directory) only means the next process scans again.
     */
    static void write(Path segment, long segmentSize, Map<Long, Long> entries) {
        ByteBuffer b = SealedFile.start(MAGIC, 8 + 4 + entries.size() * ENTRY);
        b.putLong(segmentSize).putInt(entries.size());
        entries.forEach((seq, offset) -> b.putLong(seq).putLong(offset));
        byte[] bytes = SealedFile.seal(b);
        Path target = of(segment);
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) { }
        }
    }
}
