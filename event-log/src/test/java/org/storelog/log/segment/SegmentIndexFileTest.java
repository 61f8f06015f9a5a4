package org.storelog.log.segment;

import static org.junit.jupiter.api.Assertions.*;
import static org.storelog.log.segment.SegmentFixtures.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closed segments keep their sparse index beside them: the first seek into one scans it and writes
 * the index, later processes load it; a damaged, stale or lying index is rebuilt, and reads stay right.
 */
class SegmentIndexFileTest {
    @TempDir Path tmp;

    Path dir() { return tmp.resolve("log"); }

    /** Several segments of ~4 KiB (the index has an entry per 32 KiB, so make the records count). */
    List<Path> fill() throws Exception {
        try (SegmentLog log = SegmentLog.openWriter(dir(), SegmentLog.Options.defaults().withSegmentBytes(100_000))) {
            for (int b = 0; b < 400; b++) appendBatch(log, b);
        }
        List<Path> files = segmentFiles(dir());
        assertTrue(files.size() >= 3, files.toString());
        return files;
    }

    /** Sequence numbers read from {@code from} to the end, with the number of index scans it took. */
    long[] readFrom(long from) {
        try (SegmentLog reader = SegmentLog.openReader(dir());
             var s = reader.read(from, (seq, ts, b, t, r, buf, off, len) -> seq)) {
            List<Long> seqs = s.toList();
            for (int i = 0; i < seqs.size(); i++) assertEquals(from + i, seqs.get(i));
            return new long[] {seqs.size(), reader.indexScans()};
        }
    }

    @Test
    void theWriterKeepsTheIndexOfEachSegmentItCloses_andReadersUseIt() throws Exception {
        List<Path> files = fill();
        for (Path closed : files.subList(0, files.size() - 1))
            assertNotNull(SegmentIndexFile.load(closed, Files.size(closed)), "index beside " + closed);
        assertFalse(Files.exists(SegmentIndexFile.of(files.get(files.size() - 1))), "the active segment has none");
        long mid = RecordLayout.baseSequenceOf(files.get(1).getFileName().toString()) + 150;
        long total = readFrom(0)[0];
        assertArrayEquals(new long[] {total - mid, 0}, readFrom(mid));
    }

    @Test
    void missingIndex_isBuiltByTheFirstSeek_andKeptForTheNext() throws Exception {
        List<Path> files = fill();
        Path first = files.get(0);
        Files.delete(SegmentIndexFile.of(first));
        long total = readFrom(0)[0];
        assertEquals(1, readFrom(300)[1]);
        assertEquals(SegmentIndexFile.load(first, Files.size(first)).size() > 1, true);
        assertArrayEquals(new long[] {total - 300, 0}, readFrom(300));
    }

    @Test
    void damagedOrStaleIndex_isNotLoaded_andIsRebuilt() throws Exception {
        List<Path> files = fill();
        Path first = files.get(0), index = SegmentIndexFile.of(first);
        byte[] good = Files.readAllBytes(index);
        long total = readFrom(0)[0];
        byte[] flipped = good.clone();
        flipped[20] ^= 1; // CRC no longer matches
        for (byte[] bad : List.of(flipped, java.util.Arrays.copyOf(good, 10), new byte[0])) {
            Files.write(index, bad);
            assertArrayEquals(new long[] {total - 300, 1}, readFrom(300));
            assertArrayEquals(good, Files.readAllBytes(index), "rewritten");
        }
        // written for a segment of another size
        Map<Long, Long> entries = SegmentIndexFile.load(first, Files.size(first));
        SegmentIndexFile.write(first, Files.size(first) + 1, entries);
        assertArrayEquals(new long[] {total - 300, 1}, readFrom(300));
    }

    @Test
    void indexWhoseOffsetsLie_isRebuiltAtTheSeek() throws Exception {
        List<Path> files = fill();
        Path first = files.get(0);
        long size = Files.size(first);
        long total = readFrom(0)[0];
        // intact file, right size, but every entry one record off
        Map<Long, Long> good = SegmentIndexFile.load(first, size), lying = new TreeMap<>();
        good.forEach((seq, offset) -> lying.put(seq + 1, offset));
        SegmentIndexFile.write(first, size, lying);
        assertArrayEquals(new long[] {total - 300, 1}, readFrom(300));
        assertEquals(good, SegmentIndexFile.load(first, size));
    }
}
