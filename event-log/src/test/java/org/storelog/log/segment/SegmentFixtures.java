package org.storelog.log.segment;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.storelog.domain.event.StoreEvent;
import org.storelog.log.codec.EventCodec;

/** Helpers to fill a log with recognisable batches and to find records on disk. */
final class SegmentFixtures {
    private SegmentFixtures() {}

    static final EventCodec CODEC = new EventCodec();

    /** Batch number {@code b}: 1..7 events, each naming its batch and position. */
    static List<StoreEvent> batchEvents(int b) {
        int n = 1 + (b * 5) % 7;
        List<StoreEvent> l = new ArrayList<>();
        for (int i = 0; i < n; i++) l.add(new StoreEvent.StoreImported("batch-" + b, "test", i, n, b));
        return l;
    }

    static long appendBatch(SegmentLog log, int b) {
        List<SegmentLog.Pending> p = new ArrayList<>();
        for (StoreEvent e : batchEvents(b))
            p.add(new SegmentLog.Pending(1_700_000_000_000L + b, e.typeName(), 1, CODEC.encode(e)));
        return log.append("batch-" + b, p);
    }

    record Raw(long seq, String batchId, StoreEvent event) {}

    static List<Raw> readAll(SegmentLog log) {
        try (Stream<Raw> s = log.read(0, (seq, ts, b, t, r, buf, off, len) -> new Raw(seq, b, CODEC.decode(t, r, buf, off, len)))) {
            return s.toList();
        }
    }

    /** File position of record {@code seq} inside segment file {@code file}. */
    static long offsetOf(Path file, long seq) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            RecordReader r = new RecordReader(ch, 0, ch.size());
            while (r.next() == RecordReader.Status.RECORD) if (r.sequence() == seq) return r.position();
        }
        throw new AssertionError("record " + seq + " not in " + file);
    }

    static List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".events")).sorted().toList();
        }
    }

    static void flipByte(Path file, long pos) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            var b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, pos);
            b.put(0, (byte) (b.get(0) ^ 0x20)).rewind();
            ch.write(b, pos);
        }
    }
}
