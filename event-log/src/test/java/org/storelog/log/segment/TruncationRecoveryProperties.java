package org.storelog.log.segment;

import static org.junit.jupiter.api.Assertions.*;
import static org.storelog.log.segment.SegmentFixtures.*;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * A segment cut at any byte recovers to exactly the batches committed before the cut, whatever
 * recovery point lies beside it (none, or the one written after any batch, before or after the cut).
 */
class TruncationRecoveryProperties {
    static final int BATCHES = 12;
    static Path template;
    /** File size after each batch: batch b is committed iff its end is at or before the cut. */
    static final List<Long> batchEnds = new ArrayList<>();
    /** The recovery point file as it was after each batch. */
    static final List<byte[]> points = new ArrayList<>();
    static List<Raw> all;

    @BeforeContainer
    static void writeTemplate() throws IOException {
        template = Files.createTempDirectory("storelog-trunc");
        try (SegmentLog log = SegmentLog.openWriter(template, SegmentLog.Options.defaults())) {
            for (int b = 0; b < BATCHES; b++) {
                appendBatch(log, b);
                batchEnds.add(Files.size(segmentFiles(template).get(0)));
                points.add(Files.readAllBytes(template.resolve(RecoveryPoint.FILE)));
            }
            all = readAll(log);
        }
    }

    @AfterContainer
    static void removeTemplate() throws IOException { deleteTree(template); }

    @Property(tries = 300)
    void cutAtAnyByte_recoversExactlyTheCommittedBatchesBeforeTheCut(@ForAll @IntRange(min = 0, max = 100_000) int cutSeed,
            @ForAll @IntRange(min = -1, max = BATCHES - 1) int pointAfter) throws IOException {
        long total = batchEnds.get(BATCHES - 1);
        long cut = cutSeed % (total + 1);
        Path dir = Files.createTempDirectory("storelog-cut");
        try {
            Path seg = dir.resolve(RecordLayout.segmentName(0));
            Files.copy(template.resolve(RecordLayout.segmentName(0)), seg);
            if (pointAfter >= 0) Files.write(dir.resolve(RecoveryPoint.FILE), points.get(pointAfter));
            try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
                ch.truncate(cut);
            }
            int committed = 0;
            while (committed < BATCHES && batchEnds.get(committed) <= cut) committed++;
            final int n = committed;
            long committedEnd = n == 0 ? 0 : batchEnds.get(n - 1);
            try (SegmentLog log = SegmentLog.openWriter(dir, SegmentLog.Options.defaults())) {
                assertEquals(cut - committedEnd, log.recoveredTornBytes());
                // the point is used when the batch it names survived the cut
                boolean pointHolds = pointAfter >= 0 && batchEnds.get(pointAfter) <= cut;
                assertEquals(pointHolds ? batchEnds.get(pointAfter) : 0, log.lastScan()[0]);
                List<Raw> expected = all.stream().filter(r -> Integer.parseInt(r.batchId().substring(6)) < n).toList();
                assertEquals(expected, readAll(log));
                assertEquals(committedEnd, Files.size(seg));
                assertTrue(log.verify().ok());
                // the log continues where the committed prefix ends
                assertEquals(expected.size(), appendBatch(log, committed));
            }
        } finally {
            deleteTree(dir);
        }
    }

    static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
