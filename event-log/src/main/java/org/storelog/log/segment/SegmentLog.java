package org.storelog.log.segment;

import static org.storelog.log.segment.RecordLayout.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.storelog.log.ChainPoint;
import org.storelog.log.LogException;
import org.storelog.log.LogStats;
import org.storelog.log.VerifyReport;

/**
 * The embedded log: segment files {@code %020d.events} in one directory, named by their first
 * sequence number and rolled at a size limit (only between batches, so a batch never spans two
 * files and recovery needs only the last one). One writer at a time holds {@code .lock}; readers
 * take no lock and never see past the committed end. Opening for writing recovers the last
 * segment: a torn tail is truncated (and reported), damage is refused.
 */
public final class SegmentLog implements AutoCloseable {
    /**
     * Looked up when first needed: the first {@code System.getLogger} of a process searches the
     * class path for logging services (every jar opened, ~20 ms), and only recovery logs.
     */
    private static final class Log {
        static final System.Logger LOG = System.getLogger(SegmentLog.class.getName());
    }
    public static final String LOCK_FILE = ".lock";
    private static final int WRITE_CHUNK = 1 << 20;

    /** Writer options: segment size limit and how long to wait for another writer's lock. */
    public record Options(long segmentBytes, Duration lockTimeout) {
        public static Options defaults() { return new Options(64L << 20, Duration.ZERO); }
        public Options withSegmentBytes(long b) { return new Options(b, lockTimeout); }
        public Options withLockTimeout(Duration d) { return new Options(segmentBytes, d); }
    }

    /** An event to append: its timestamp (epoch ms), type name, payload revision, JSON payload. */
    public record Pending(long timestamp, String type, int revision, byte[] payload) {}

    /** Turns the record under a cursor into the caller's type without copying the payload. */
    public interface Decoder<T> {
        T decode(long sequence, long timestamp, String batchId, String type, int revision,
                 byte[] buf, int payloadOffset, int payloadLength);
    }

    record Committed(long lastSeq, long segmentBase, long end, byte[] chain, long lastTimestamp) {}

    static final class Segment {
        final long base;
        final Path path;
        final ConcurrentNavigableMap<Long, Long> index = new ConcurrentSkipListMap<>();
        /** Whether {@link #index} covers the segment from its first record (else a seek fills it in first). */
        volatile boolean indexed;
        Segment(long base, Path path) { this.base = base; this.path = path; }
    }

    private final Path dir;
    private final boolean writable;
    private final Options options;
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private volatile Committed committed;
    private volatile boolean closed;
    private FileChannel lockChannel;
    private FileLock lock;
    private FileChannel active;
    /** The writer's {@link RecoveryPoint#FILE}, rewritten after every commit (null for a reader, or after it failed). */
    private FileChannel recoveryPoint;
    private long recoveredTornBytes;
    /** Bytes of the last segment the last open or refresh read (its scan started at {@link #scanStart}). */
    private long scannedBytes, scanStart;
    private final MessageDigest sha = sha256();
    private final CRC32C crc = new CRC32C();

    private SegmentLog(Path dir, boolean writable, Options options) {
        this.dir = dir;
        this.writable = writable;
        this.options = options;
    }

    /** Opens for appending: takes the lock, recovers the last segment. */
    public static SegmentLog openWriter(Path dir, Options options) {
        SegmentLog log = new SegmentLog(dir, true, options);
        try {
            Files.createDirectories(dir);
            log.acquireLock();
            log.load();
            return log;
        } catch (IOException e) {
            log.close();
            throw new UncheckedIOException("cannot open event log " + dir, e);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    /** Opens for reading only: no lock, nothing changed on disk; a torn tail is simply not read. */
    public static SegmentLog openReader(Path dir) {
        SegmentLog log = new SegmentLog(dir, false, Options.defaults());
        try {
            log.load();
            return log;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open event log " + dir, e);
        }
    }

    private void acquireLock() throws IOException {
        Path lockFile = dir.resolve(LOCK_FILE);
        lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long deadline = System.nanoTime() + options.lockTimeout().toNanos();
        while (true) {
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very JVM
            }
            if (lock != null) break;
            if (System.nanoTime() - deadline >= 0) {
                String holder = "";
                try {
                    holder = Files.readString(lockFile).strip();
                } catch (IOException ignored) { }
                throw new LogException.LockedException(lockFile, holder);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LogException.LockedException(lockFile, "interrupted while waiting");
            }
        }
        lockChannel.truncate(0);
        lockChannel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
    }

    private void load() throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.forEach(p -> {
                    long base = baseSequenceOf(p.getFileName().toString());
                    if (base >= 0) segments.put(base, new Segment(base, p));
                });
            }
        }
        if (segments.isEmpty()) {
            committed = new Committed(-1, 0, 0, GENESIS_CHAIN, -1);
            if (writable) openActive(createSegment(0));
        } else {
            refreshCommitted(true);
            if (writable) openActive(segments.lastEntry().getValue());
        }
        if (writable) {
            try {
                recoveryPoint = RecoveryPoint.openForWriting(dir);
            } catch (IOException e) {
                recoveryPoint = null; // opens then read whole segments, as without the file
            }
        }
    }

    /**
     * Finds the committed end from the last segment (and the one before it when the last is empty).
     * The last segment is read from the furthest batch boundary known to be committed: this reader's
     * own committed end when it refreshes, else the {@link RecoveryPoint} when the segment holds the
     * record it names, else the segment's first byte.
     */
    private void refreshCommitted(boolean recover) throws IOException {
        Segment last = segments.lastEntry().getValue();
        try (FileChannel ch = FileChannel.open(last.path, StandardOpenOption.READ)) {
            long size = ch.size();
            Committed known = committed;
            RecoveryPoint point;
            SegmentScan.Result r;
            if (known != null && known.segmentBase == last.base && known.end > 0 && known.end <= size) {
                r = SegmentScan.scanFrom(ch, known.end, known.lastSeq + 1, known.chain, known.lastTimestamp, false,
                        size, last.index, null);
                scanStart = known.end;
            } else if ((point = RecoveryPoint.read(dir)) != null && point.segmentBase() == last.base && point.matches(ch, size)) {
                last.index.clear();
                last.indexed = false;
                r = SegmentScan.scanFrom(ch, point.committedEnd(), point.lastSequence() + 1, point.chain(),
                        point.lastTimestamp(), false, size, last.index, null);
                scanStart = point.committedEnd();
            } else {
                last.index.clear();
                r = SegmentScan.scan(ch, last.base, size, null, last.index, null);
                last.indexed = true;
                scanStart = 0;
            }
            scannedBytes = size - scanStart;
            if (r.problem() != null) {
                var damage = new LogException.CorruptLogException(r.problem().sequence(), last.path.getFileName().toString(),
                        r.problem().offset(), r.problem().reason());
                if (writable) throw damage;
                // A reader still opens (verify must be able to report); it reads the intact prefix only.
                Log.LOG.log(System.Logger.Level.WARNING, damage.getMessage() + "; reading stops before it");
            }
            if (r.tornBytes() > 0 && recover && writable) {
                try (FileChannel w = FileChannel.open(last.path, StandardOpenOption.WRITE)) {
                    w.truncate(r.committedEnd());
                    w.force(true);
                }
                recoveredTornBytes += r.tornBytes();
                Log.LOG.log(System.Logger.Level.WARNING, "event log recovery: truncated a torn tail of " + r.tornBytes()
                        + " bytes (an uncommitted batch) at offset " + r.committedEnd() + " of " + last.path);
            }
            if (r.lastSequence() >= last.base) { // a committed batch in the last segment (scanned now or before)
                committed = new Committed(r.lastSequence(), last.base, r.committedEnd(), r.lastChain(), r.lastTimestamp());
                return;
            }
        }
        // Last segment holds no committed batch: the head is the end of the previous one.
        Map.Entry<Long, Segment> prev = segments.lowerEntry(last.base);
        if (prev == null) {
            if (last.base != 0) throw new LogException.CorruptLogException(0, last.path.getFileName().toString(), 0,
                    "first segment starts at sequence " + last.base + ", not 0");
            committed = new Committed(-1, last.base, 0, GENESIS_CHAIN, -1);
            return;
        }
        Segment p = prev.getValue();
        try (FileChannel ch = FileChannel.open(p.path, StandardOpenOption.READ)) {
            SegmentScan.Result r = SegmentScan.scan(ch, p.base, ch.size(), null, p.index, null);
            if (r.problem() != null || r.tornBytes() > 0 || r.lastSequence() + 1 != last.base)
                throw new LogException.CorruptLogException(r.lastSequence() + 1, p.path.getFileName().toString(),
                        r.committedEnd(), r.problem() != null ? r.problem().reason()
                        : "segment does not end where " + last.path.getFileName() + " begins");
            committed = new Committed(r.lastSequence(), last.base, 0, r.lastChain(), r.lastTimestamp());
        }
    }

    private Segment createSegment(long base) throws IOException {
        Path p = dir.resolve(segmentName(base));
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // some file systems cannot fsync a directory
        }
        Segment s = new Segment(base, p);
        s.indexed = true; // empty: the writer indexes what it appends
        segments.put(base, s);
        return s;
    }

    private void openActive(Segment s) throws IOException {
        if (active != null) active.close();
        active = FileChannel.open(s.path, StandardOpenOption.WRITE);
    }

    /** Bytes discarded as a torn tail when this writer opened the log. */
    public long recoveredTornBytes() { return recoveredTornBytes; }

    public long lastSequence() { return committed.lastSeq; }

    public ChainPoint chainHead() {
        Committed c = committed;
        return new ChainPoint(c.lastSeq, HexFormat.of().formatHex(c.chain));
    }

    /** One caller's batch waiting for the next group commit. */
    private static final class Request {
        final String batchId;
        final List<Pending> events;
        long first = -1;
        Exception error;
        boolean done;
        Request(String batchId, List<Pending> events) { this.batchId = batchId; this.events = events; }
    }

    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private final Object writeLock = new Object();
    private volatile String broken;
    private long syncs;

    /**
     * Appends one batch atomically and durably and returns its first sequence number. Group
     * commit: batches that callers hand in while a commit is under way are written together by
     * the next committer and made durable by one fsync; each batch still ends with its own commit
     * record, so each is all or nothing. Large batches are written in 1 MiB chunks and synced
     * once. Readers see a batch only after the fsync.
     */
    public long append(String batchId, List<Pending> events) {
        if (!writable) throw new LogException.NotWritableException("event log was opened read-only");
        if (closed) throw new LogException.NotWritableException("event log is closed");
        if (events.isEmpty()) return committed.lastSeq + 1;
        byte[] id = utf8(batchId);
        for (Pending e : events) {
            long total = (long) HEADER_SIZE + id.length + utf8(e.type()).length + e.payload().length;
            if (total > MAX_RECORD_SIZE) throw new IllegalArgumentException("event too large for the log: " + total + " bytes");
        }
        Request req = new Request(batchId, events);
        synchronized (queue) {
            queue.add(req);
        }
        synchronized (writeLock) {
            if (!req.done) commitGroup();
        }
        if (req.error instanceof RuntimeException re) throw re;
        if (req.error != null)
            throw new UncheckedIOException("append to event log failed; batch " + batchId + " discarded", (IOException) req.error);
        return req.first;
    }

    /** Number of fsyncs appends have made (group commit makes it smaller than the number of batches). */
    public long syncCount() {
        synchronized (writeLock) {
            return syncs;
        }
    }

    private void commitGroup() {
        List<Request> group;
        synchronized (queue) {
            group = new ArrayList<>(queue);
            queue.clear();
        }
        Committed start = committed;
        long startEnd = start.end;
        try {
            if (closed) throw new LogException.NotWritableException("event log is closed");
            if (broken != null) throw new LogException.NotWritableException("event log is unusable after a failed write: " + broken);
            long base = start.segmentBase;
            if (start.end >= options.segmentBytes()) {
                Segment closing = segments.get(base);
                if (closing != null && closing.indexed) SegmentIndexFile.write(closing.path, start.end, closing.index);
                openActive(createSegment(start.lastSeq + 1));
                base = start.lastSeq + 1;
                startEnd = 0;
            }
            Segment seg = segments.get(base);
            ByteBuffer chunk = ByteBuffer.allocate(WRITE_CHUNK);
            long chunkPos = startEnd, pos = startEnd, lastIndexed = lastIndexedPosition(seg), seq = start.lastSeq + 1;
            long lastRecordAt = -1;
            byte[] chain = start.chain;
            List<long[]> newIndex = new ArrayList<>();
            for (Request r : group) {
                r.first = seq;
                byte[] id = utf8(r.batchId);
                for (int i = 0; i < r.events.size(); i++, seq++) {
                    Pending e = r.events.get(i);
                    byte[] type = utf8(e.type());
                    int total = HEADER_SIZE + id.length + type.length + e.payload().length;
                    if (chunk.remaining() < total) {
                        writeFully(chunk, chunkPos);
                        chunkPos = pos;
                        if (chunk.capacity() < total) chunk = ByteBuffer.allocate(total);
                    }
                    int at = chunk.position();
                    encode(chunk, seq, e.timestamp(), chain, r.events.size(), i, e.revision(), id, type, e.payload(), sha, crc);
                    chain = new byte[CHAIN_SIZE];
                    chunk.get(at + CHAIN_OFFSET, chain);
                    if (pos - lastIndexed >= SegmentScan.INDEX_INTERVAL) {
                        newIndex.add(new long[] {seq, pos});
                        lastIndexed = pos;
                    }
                    lastRecordAt = pos;
                    pos += total;
                }
            }
            writeFully(chunk, chunkPos);
            active.force(false);
            syncs++;
            for (long[] ix : newIndex) seg.index.put(ix[0], ix[1]);
            List<Pending> lastBatch = group.get(group.size() - 1).events;
            committed = new Committed(seq - 1, base, pos, chain, lastBatch.get(lastBatch.size() - 1).timestamp());
            writeRecoveryPoint(new RecoveryPoint(base, lastRecordAt, pos, seq - 1, committed.lastTimestamp, chain));
        } catch (IOException | RuntimeException e) {
            for (Request r : group) r.error = e;
            try {
                if (active != null && !closed) active.truncate(startEnd);
            } catch (IOException | RuntimeException t) {
                broken = t.toString();
            }
        } finally {
            for (Request r : group) r.done = true;
        }
    }

    /** After the fsync: a point that is lost, torn or not written only makes the next open read more. */
    private void writeRecoveryPoint(RecoveryPoint point) {
        if (recoveryPoint == null) return;
        try {
            point.writeTo(recoveryPoint);
        } catch (IOException e) {
            try {
                recoveryPoint.close();
            } catch (IOException ignored) { }
            recoveryPoint = null;
        }
    }

    private final java.util.concurrent.atomic.AtomicLong indexScans = new java.util.concurrent.atomic.AtomicLong();

    /** A cursor scanned a segment for its sparse index (for tests: a kept index file spares the scan). */
    void indexScanned() { indexScans.incrementAndGet(); }

    long indexScans() { return indexScans.get(); }

    /** Bytes of the last segment that opening (or the last refresh) read, and where that read started. */
    long[] lastScan() { return new long[] {scanStart, scannedBytes}; }

    private static long lastIndexedPosition(Segment seg) {
        Map.Entry<Long, Long> e = seg.index.lastEntry();
        return e == null ? -SegmentScan.INDEX_INTERVAL : e.getValue();
    }

    private void writeFully(ByteBuffer chunk, long pos) throws IOException {
        chunk.flip();
        while (chunk.hasRemaining()) pos += active.write(chunk, pos);
        chunk.clear();
    }

    /** Committed records from {@code fromSeq} on, decoded by {@code decoder}, in order. */
    public <T> Stream<T> read(long fromSeq, Decoder<T> decoder) {
        if (!writable && !closed) {
            try {
                refreshIfGrown();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Cursor<T> cursor = new Cursor<>(this, Math.max(0, fromSeq), committed.lastSeq, decoder);
        return cursor.stream();
    }

    /** A reader sees batches committed by a writer since it opened. */
    private synchronized void refreshIfGrown() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                long base = baseSequenceOf(p.getFileName().toString());
                if (base >= 0) segments.computeIfAbsent(base, b -> new Segment(b, p));
            });
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        }
        if (!segments.isEmpty()) refreshCommitted(false);
    }

    Committed committedState() { return committed; }
    ConcurrentSkipListMap<Long, Segment> segmentMap() { return segments; }

    /** Checks every record from the first: CRC, sequence, batch structure, hash chain. */
    public VerifyReport verify() {
        try {
            byte[] chain = GENESIS_CHAIN;
            long checked = 0, lastSeq = -1, expectedBase = 0;
            Committed c = committed;
            for (Segment s : segments.values()) {
                boolean isLast = s.base == segments.lastKey();
                String name = s.path.getFileName().toString();
                if (s.base != expectedBase)
                    return new VerifyReport(checked, lastSeq, hex(chain), expectedBase, name, 0,
                            "segment starts at sequence " + s.base + " where " + expectedBase + " was expected", 0);
                try (FileChannel ch = FileChannel.open(s.path, StandardOpenOption.READ)) {
                    SegmentScan.Result r = SegmentScan.scan(ch, s.base, ch.size(), chain, null, null);
                    checked += r.records();
                    if (r.problem() != null)
                        return new VerifyReport(checked, r.lastSequence(), hex(r.lastChain()), r.problem().sequence(),
                                name, r.problem().offset(), r.problem().reason(), 0);
                    if (r.tornBytes() > 0 && !isLast)
                        return new VerifyReport(checked, r.lastSequence(), hex(r.lastChain()), r.lastSequence() + 1,
                                name, r.committedEnd(), "segment ends inside a batch (" + r.tornBytes() + " bytes)", 0);
                    chain = r.lastChain();
                    lastSeq = r.lastSequence();
                    expectedBase = lastSeq + 1;
                    if (isLast) return new VerifyReport(checked, lastSeq, hex(chain), -1, null, -1, null, r.tornBytes());
                }
            }
            return new VerifyReport(0, c.lastSeq, hex(chain), -1, null, -1, null, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot verify event log " + dir, e);
        }
    }

    /** Counts committed events, batches and types; reads headers only. */
    public LogStats stats() {
        Committed c = committed;
        long[] events = {0}, batches = {0}, first = {-1}, last = {-1}, bytes = {0};
        TreeMap<String, Long> perType = new TreeMap<>();
        try {
            for (Segment s : segments.values()) {
                if (s.base > c.lastSeq + 1) break;
                try (FileChannel ch = FileChannel.open(s.path, StandardOpenOption.READ)) {
                    long limit = s.base == c.segmentBase ? c.end : ch.size();
                    bytes[0] += limit;
                    SegmentScan.scan(ch, s.base, limit, null, null, r -> {
                        events[0]++;
                        if (r.batchIndex() == 0) batches[0]++;
                        if (first[0] < 0) first[0] = r.timestamp();
                        last[0] = r.timestamp();
                        perType.merge(r.type(), 1L, Long::sum);
                    });
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read event log " + dir, e);
        }
        return new LogStats(events[0], batches[0], segments.size(), bytes[0], perType, first[0], last[0], c.lastSeq);
    }

    /** The stored chain value after {@code seq}, or null when there is no such committed record. */
    public String chainAt(long seq) {
        if (seq < 0) return seq == -1 ? hex(GENESIS_CHAIN) : null;
        if (seq > committed.lastSeq) return null;
        return chainOfRecord(seq);
    }

    private String chainOfRecord(long seq) {
        Segment s = segments.floorEntry(seq).getValue();
        try (FileChannel ch = FileChannel.open(s.path, StandardOpenOption.READ)) {
            Map.Entry<Long, Long> ix = s.index.floorEntry(seq);
            RecordReader r = new RecordReader(ch, ix == null ? 0 : ix.getValue(), ch.size(), 64 * 1024);
            while (r.next() == RecordReader.Status.RECORD) {
                if (r.sequence() == seq) return hex(r.storedChain());
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path directory() { return dir; }

    static String hex(byte[] b) { return HexFormat.of().formatHex(b); }

    @Override
    public void close() {
        synchronized (writeLock) {
            if (closed) return;
            closed = true;
            try {
                if (active != null) active.close();
                if (recoveryPoint != null) recoveryPoint.close();
                if (lock != null) lock.release();
                if (lockChannel != null) lockChannel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("closing event log " + dir, e);
            }
        }
    }
}
