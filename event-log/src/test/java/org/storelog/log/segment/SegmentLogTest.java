package org.storelog.log.segment;

import static org.junit.jupiter.api.Assertions.*;
import static org.storelog.log.segment.SegmentFixtures.*;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.log.ChainPoint;
import org.storelog.log.LogException;
import org.storelog.log.VerifyReport;

class SegmentLogTest {
    @TempDir Path tmp;

    Path dir() { return tmp.resolve("log"); }

    SegmentLog small() { return SegmentLog.openWriter(dir(), SegmentLog.Options.defaults().withSegmentBytes(1000)); }

    @Test
    void reopen_keepsEventsSequenceAndChainHead() {
        ChainPoint head;
        try (SegmentLog log = small()) {
            for (int b = 0; b < 20; b++) appendBatch(log, b);
            head = log.chainHead();
        }
        try (SegmentLog log = small()) {
            assertEquals(head, log.chainHead());
            long first = appendBatch(log, 20);
            assertEquals(head.sequence() + 1, first);
            List<Raw> all = readAll(log);
            for (int i = 0; i < all.size(); i++) assertEquals(i, all.get(i).seq());
            assertTrue(log.verify().ok(), log.verify().toString());
        }
    }

    @Test
    void segments_rollBetweenBatchesAndAreNamedByFirstSequence() throws Exception {
        try (SegmentLog log = small()) {
            for (int b = 0; b < 30; b++) appendBatch(log, b);
        }
        List<Path> files = segmentFiles(dir());
        assertTrue(files.size() > 2, "expected several segments, got " + files);
        assertEquals("00000000000000000000.events", files.get(0).getFileName().toString());
        try (SegmentLog log = SegmentLog.openReader(dir())) {
            List<Raw> all = readAll(log);
            for (Path f : files) {
                long base = RecordLayout.baseSequenceOf(f.getFileName().toString());
                Raw first = all.get((int) base);
                assertEquals(0, offsetOf(f, base));
                // a batch never spans two files: the record before a segment's first one ends its batch
                if (base > 0) assertNotEquals(first.batchId(), all.get((int) base - 1).batchId());
            }
            assertEquals(files.size(), log.stats().segments());
        }
    }

    @Test
    void readFromTheMiddle_startsAtThatSequenceAcrossSegments() {
        try (SegmentLog log = small()) {
            for (int b = 0; b < 30; b++) appendBatch(log, b);
            long last = log.lastSequence();
            for (long from : new long[] {0, 1, 17, 50, last, last + 1}) {
                try (var s = log.read(from, (seq, ts, b, t, r, buf, off, len) -> seq)) {
                    List<Long> seqs = s.toList();
                    assertEquals(Math.max(0, last - from + 1), seqs.size());
                    if (!seqs.isEmpty()) assertEquals(from, seqs.get(0));
                }
            }
        }
    }

    @Test
    void secondWriter_failsFastNamingTheLockFile() {
        try (SegmentLog first = small()) {
            var ex = assertThrows(LogException.LockedException.class, this::small);
            assertEquals(dir().resolve(".lock"), ex.lockFile());
            assertTrue(ex.getMessage().contains(dir().resolve(".lock").toString()), ex.getMessage());
            assertTrue(ex.getMessage().contains("pid " + ProcessHandle.current().pid()), ex.getMessage());
        }
    }

    @Test
    void secondWriter_withTimeout_getsTheLockOnceTheFirstCloses() throws Exception {
        SegmentLog first = small();
        appendBatch(first, 0);
        Thread closer = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException ignored) { }
            first.close();
        });
        closer.start();
        try (SegmentLog second = SegmentLog.openWriter(dir(), SegmentLog.Options.defaults().withLockTimeout(Duration.ofSeconds(30)))) {
            assertEquals(1, appendBatch(second, 1));
        }
        closer.join();
    }

    @Test
    void reader_isNotBlockedByTheWriterAndSeesNewBatchesOnNextRead() {
        try (SegmentLog writer = small()) {
            appendBatch(writer, 0);
            try (SegmentLog reader = SegmentLog.openReader(dir())) {
                assertEquals(readAll(writer), readAll(reader));
                appendBatch(writer, 1);
                appendBatch(writer, 2);
                assertEquals(readAll(writer), readAll(reader));
                assertThrows(LogException.NotWritableException.class, () -> appendBatch(reader, 3));
            }
        }
    }

    @Test
    void tornTail_isTruncatedOnOpenAndReported() throws Exception {
        Path seg;
        long committedSize;
        try (SegmentLog log = SegmentLog.openWriter(dir(), SegmentLog.Options.defaults())) {
            for (int b = 0; b < 5; b++) appendBatch(log, b);
            seg = segmentFiles(dir()).get(0);
            committedSize = Files.size(seg);
            appendBatch(log, 5);
        }
        long full = Files.size(seg);
        // cut batch 5 in the middle of its last record
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(full - 10);
        }
        try (SegmentLog reader = SegmentLog.openReader(dir())) {
            VerifyReport v = reader.verify();
            assertTrue(v.ok(), v.toString());
            assertEquals(full - 10 - committedSize, v.tornTailBytes());
        }
        try (SegmentLog log = SegmentLog.openWriter(dir(), SegmentLog.Options.defaults())) {
            assertEquals(full - 10 - committedSize, log.recoveredTornBytes());
            assertEquals(committedSize, Files.size(seg));
            assertEquals(List.of("batch-0", "batch-1", "batch-2", "batch-3", "batch-4"),
                    readAll(log).stream().map(Raw::batchId).distinct().toList());
            assertEquals(log.lastSequence() + 1, appendBatch(log, 5));
            assertTrue(log.verify().ok());
        }
    }

    @Test
    void zeroFilledTail_isATornTailNotDamage() throws Exception {
        try (SegmentLog log = small()) {
            appendBatch(log, 0);
        }
        Path seg = segmentFiles(dir()).get(0);
        long size = Files.size(seg);
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4096), size);
        }
        try (SegmentLog log = small()) {
            assertEquals(4096, log.recoveredTornBytes());
            assertEquals(size, Files.size(seg));
        }
    }

    @Test
    void changedByteInTheMiddle_isFoundByVerifyWithSequenceAndOffset() throws Exception {
        try (SegmentLog log = SegmentLog.openWriter(dir(), SegmentLog.Options.defaults())) {
            for (int b = 0; b < 40; b++) appendBatch(log, b);
        }
        Path seg = segmentFiles(dir()).get(0);
        long at = offsetOf(seg, 57);
        flipByte(seg, at + RecordLayout.HEADER_SIZE + 12);
        try (SegmentLog reader = SegmentLog.openReader(dir())) {
            VerifyReport v = reader.verify();
            assertFalse(v.ok());
            assertEquals(57, v.firstBadSequence());
            assertEquals(at, v.badOffset());
            assertEquals(seg.getFileName().toString(), v.badFile());
            assertEquals("CRC32C mismatch", v.reason());
            assertTrue(v.lastSequence() < 57, "intact prefix ends before the damage");
        }
        // A writer that opens at its recovery point (the end of batch 39) does not read record 57 again;
        // without the point (as after a crash while it was written) it reads the segment and refuses.
        try (SegmentLog log = SegmentLog.openWriter(dir(), SegmentLog.Options.defaults())) {
            assertEquals(Files.size(seg), log.lastScan()[0]);
        }
        Files.delete(dir().resolve(RecoveryPoint.FILE));
        var ex = assertThrows(LogException.CorruptLogException.class,
                () -> SegmentLog.openWriter(dir(), SegmentLog.Options.defaults()));
        assertEquals(57, ex.sequence());
        assertEquals(at, ex.offset());
    }

    @Test
    void alteredRecordWithRecomputedCrc_isFoundByTheHashChain() throws Exception {
        try (SegmentLog log = SegmentLog.openWriter(dir(), SegmentLog.Options.defaults())) {
            for (int b = 0; b < 10; b++) appendBatch(log, b);
        }
        Path seg = segmentFiles(dir()).get(0);
        long at = offsetOf(seg, 12);
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer len = ByteBuffer.allocate(4);
            ch.read(len, at);
            ByteBuffer rec = ByteBuffer.allocate(4 + len.getInt(0));
            ch.read(rec, at);
            int p = rec.capacity() - 3; // inside the JSON payload: a digit of "unchanged"
            rec.put(p, (byte) (rec.get(p) == '1' ? '2' : '1'));
            var crc = new java.util.zip.CRC32C();
            crc.update(rec.slice(RecordLayout.CRC_START, rec.capacity() - RecordLayout.CRC_START));
            rec.putInt(RecordLayout.CRC_OFFSET, (int) crc.getValue());
            ch.write(rec.rewind(), at);
        }
        try (SegmentLog reader = SegmentLog.openReader(dir())) {
            VerifyReport v = reader.verify();
            assertEquals(12, v.firstBadSequence());
            assertEquals(at, v.badOffset());
            assertTrue(v.reason().startsWith("hash chain mismatch"), v.reason());
        }
    }

    @Test
    void chainAt_returnsTheStoredChainOfThatRecord() {
        try (SegmentLog log = small()) {
            for (int b = 0; b < 10; b++) appendBatch(log, b);
            assertEquals(log.chainHead().chain(), log.chainAt(log.lastSequence()));
            assertNotEquals(log.chainAt(3), log.chainAt(4));
            assertNull(log.chainAt(log.lastSequence() + 1));
        }
    }

    @Test
    void concurrentAppenders_shareFsyncsButKeepEveryBatchWholeAndContiguous() throws Exception {
        int threads = 6, perThread = 40;
        java.util.Map<String, Long> firstOf = new java.util.concurrent.ConcurrentHashMap<>();
        try (SegmentLog log = SegmentLog.openWriter(dir(), SegmentLog.Options.defaults().withSegmentBytes(20_000))) {
            List<Thread> ts = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int tt = t;
                ts.add(new Thread(() -> {
                    for (int k = 0; k < perThread; k++) {
                        int b = tt * perThread + k;
                        firstOf.put("batch-" + b, appendBatch(log, b));
                    }
                }));
            }
            ts.forEach(Thread::start);
            for (Thread t : ts) t.join();
            List<Raw> all = readAll(log);
            int expectedEvents = 0;
            for (int b = 0; b < threads * perThread; b++) {
                List<org.storelog.domain.event.StoreEvent> events = batchEvents(b);
                long first = firstOf.get("batch-" + b);
                for (int i = 0; i < events.size(); i++) {
                    Raw r = all.get((int) first + i);
                    assertEquals("batch-" + b, r.batchId());
                    assertEquals(events.get(i), r.event());
                }
                expectedEvents += events.size();
            }
            assertEquals(expectedEvents, all.size());
            assertTrue(log.verify().ok());
            assertTrue(log.syncCount() <= threads * perThread);
            System.out.println("group commit: " + threads * perThread + " batches, " + log.syncCount() + " fsyncs");
        }
    }

    @Test
    void damagedLengthFieldInTheMiddle_isDamageNotATornTail_soNothingIsTruncated() throws Exception {
        try (SegmentLog log = SegmentLog.openWriter(dir(), SegmentLog.Options.defaults())) {
            for (int b = 0; b < 20; b++) appendBatch(log, b);
        }
        Path seg = segmentFiles(dir()).get(0);
        long size = Files.size(seg);
        long at = offsetOf(seg, 30);
        flipByte(seg, at + 1); // length now runs far past the end of the file
        Files.delete(dir().resolve(RecoveryPoint.FILE)); // the writer reads the whole segment
        var ex = assertThrows(LogException.CorruptLogException.class,
                () -> SegmentLog.openWriter(dir(), SegmentLog.Options.defaults()));
        assertEquals(30, ex.sequence());
        assertEquals(at, ex.offset());
        assertEquals(size, Files.size(seg), "a writer must not truncate damaged data");
        try (SegmentLog reader = SegmentLog.openReader(dir())) {
            assertEquals(30, reader.verify().firstBadSequence());
        }
    }
}
