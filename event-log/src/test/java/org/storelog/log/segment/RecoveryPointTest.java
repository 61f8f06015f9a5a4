package org.storelog.log.segment;

import static org.junit.jupiter.api.Assertions.*;
import static org.storelog.log.segment.SegmentFixtures.*;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.log.ChainPoint;

/**
 * The writer's recovery point: an open reads the last segment from it, and any point that does not
 * describe the segment as it is (torn, stale, for another segment, past a truncation, naming the
 * wrong record) makes the open read the whole segment, with the same head either way.
 */
class RecoveryPointTest {
    @TempDir Path tmp;

    Path dir() { return tmp.resolve("log"); }

    Path pointFile() { return dir().resolve(RecoveryPoint.FILE); }

    SegmentLog writer() { return SegmentLog.openWriter(dir(), SegmentLog.Options.defaults()); }

    /** Twelve batches in one segment; returns the head after them. */
    ChainPoint fill() {
        try (SegmentLog log = writer()) {
            for (int b = 0; b < 12; b++) appendBatch(log, b);
            return log.chainHead();
        }
    }

    Path segment() throws Exception { return segmentFiles(dir()).get(0); }

    /** Opens a writer; checks its head and where its scan started; returns that start. */
    long openAndCheck(ChainPoint head) throws Exception {
        try (SegmentLog log = writer()) {
            assertEquals(head, log.chainHead());
            long start = log.lastScan()[0];
            long first = appendBatch(log, 99); // and the log goes on from there
            assertEquals(head.sequence() + 1, first);
            List<Raw> all = readAll(log);
            for (int i = 0; i < all.size(); i++) assertEquals(i, all.get(i).seq());
            assertTrue(log.verify().ok(), log.verify().toString());
            return start;
        }
    }

    @Test
    void reopen_startsAtThePoint_andReadsNothingBeforeIt() throws Exception {
        ChainPoint head = fill();
        long size = Files.size(segment());
        try (SegmentLog log = writer()) {
            assertEquals(head, log.chainHead());
            assertArrayEquals(new long[] {size, 0}, log.lastScan(), "scan start and bytes read");
            // a read from the middle still finds its record (the index is built at that first seek)
            try (var s = log.read(17, (seq, ts, b, t, r, buf, off, len) -> seq)) {
                assertEquals(17L, s.findFirst().orElseThrow());
            }
        }
        try (SegmentLog reader = SegmentLog.openReader(dir())) {
            assertEquals(head, reader.chainHead());
            assertEquals(size, reader.lastScan()[0]);
        }
    }

    @Test
    void tornTailAfterThePoint_isStillTruncatedAndReported() throws Exception {
        ChainPoint head = fill();
        Path seg = segment();
        long size = Files.size(seg);
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer half = ByteBuffer.allocate(40);
            half.putInt(0, 500); // a record that claims 500 bytes and stops after 40
            ch.write(half);
        }
        try (SegmentLog log = writer()) {
            assertEquals(head, log.chainHead());
            assertEquals(40, log.recoveredTornBytes());
            assertEquals(size, log.lastScan()[0]);
        }
        assertEquals(size, Files.size(seg));
    }

    @Test
    void stalePoint_readsOnFromIt() throws Exception {
        try (SegmentLog log = writer()) {
            for (int b = 0; b < 5; b++) appendBatch(log, b);
        }
        Path early = tmp.resolve("early-point");
        Files.copy(pointFile(), early);
        long earlyEnd = Files.size(segment());
        ChainPoint head;
        try (SegmentLog log = writer()) {
            for (int b = 5; b < 12; b++) appendBatch(log, b);
            head = log.chainHead();
        }
        Files.copy(early, pointFile(), StandardCopyOption.REPLACE_EXISTING);
        assertEquals(earlyEnd, openAndCheck(head));
    }

    @Test
    void missingTornOrContradictedPoint_readsTheWholeSegment() throws Exception {
        ChainPoint head = fill();
        byte[] good = Files.readAllBytes(pointFile());

        Files.delete(pointFile());
        assertEquals(0, openAndCheck(head));
        head = headNow();

        // torn: only part of it was written
        Files.write(pointFile(), java.util.Arrays.copyOf(good, 30));
        assertEquals(0, openAndCheck(head));
        head = headNow();

        // a flipped bit anywhere fails its CRC
        byte[] flipped = Files.readAllBytes(pointFile());
        flipped[20] ^= 1;
        Files.write(pointFile(), flipped);
        assertEquals(0, openAndCheck(head));
    }

    @Test
    void pointThatDoesNotNameTheRecordThere_isNotTrusted() throws Exception {
        ChainPoint head = fill();
        RecoveryPoint p = RecoveryPoint.read(dir());
        assertNotNull(p);
        long size = Files.size(segment());
        assertEquals(size, p.committedEnd());
        List<RecoveryPoint> wrong = List.of(
                new RecoveryPoint(p.segmentBase() + 1, p.lastRecordOffset(), p.committedEnd(), p.lastSequence(), p.lastTimestamp(), p.chain()),
                new RecoveryPoint(p.segmentBase(), p.lastRecordOffset(), p.committedEnd(), p.lastSequence() - 1, p.lastTimestamp(), p.chain()),
                new RecoveryPoint(p.segmentBase(), p.lastRecordOffset(), p.committedEnd(), p.lastSequence(), p.lastTimestamp() + 1, p.chain()),
                new RecoveryPoint(p.segmentBase(), p.lastRecordOffset(), p.committedEnd(), p.lastSequence(), p.lastTimestamp(), new byte[32]),
                new RecoveryPoint(p.segmentBase(), p.lastRecordOffset() + 1, p.committedEnd(), p.lastSequence(), p.lastTimestamp(), p.chain()),
                new RecoveryPoint(p.segmentBase(), p.lastRecordOffset(), p.committedEnd() + 10, p.lastSequence(), p.lastTimestamp(), p.chain()),
                // a record inside a batch, not the last of it: batch 11 has several records
                new RecoveryPoint(p.segmentBase(), offsetOf(segment(), p.lastSequence() - 1), p.lastRecordOffset(),
                        p.lastSequence() - 1, p.lastTimestamp(), chainOf(p.lastSequence() - 1)));
        for (RecoveryPoint w : wrong) {
            try (FileChannel ch = RecoveryPoint.openForWriting(dir())) {
                w.writeTo(ch);
            }
            try (SegmentLog log = writer()) {
                assertEquals(head, log.chainHead(), w.toString());
                assertEquals(0, log.lastScan()[0], "whole segment read for " + w);
                assertEquals(0, log.recoveredTornBytes());
                head = log.chainHead();
            }
            assertEquals(size, Files.size(segment()));
        }
    }

    @Test
    void segmentTruncatedBelowThePoint_isReadWhole() throws Exception {
        fill();
        Path seg = segment();
        long cut = offsetOf(seg, 20); // inside the log, before the point
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(cut);
        }
        try (SegmentLog log = writer()) {
            assertEquals(0, log.lastScan()[0]);
            assertTrue(log.lastSequence() < 20);
            assertTrue(log.verify().ok());
        }
    }

    private ChainPoint headNow() {
        try (SegmentLog log = SegmentLog.openReader(dir())) {
            return log.chainHead();
        }
    }

    private byte[] chainOf(long seq) {
        try (SegmentLog log = SegmentLog.openReader(dir())) {
            return java.util.HexFormat.of().parseHex(log.chainAt(seq));
        }
    }
}
