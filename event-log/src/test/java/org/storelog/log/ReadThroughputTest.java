package org.storelog.log;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;

/**
 * Reads 300,000 events through {@link EventLog#read} (the projection rebuild path) and prints the
 * rate; the target is 500,000 events/s. No timing assertion: the figure is for the README.
 */
class ReadThroughputTest {
    @TempDir Path tmp;

    @Test
    void readingTheWholeLog_returnsEveryEventInOrder_andPrintsTheRate() {
        int batches = 300, perBatch = 1000;
        try (EventLog log = EventLogs.openEmbedded(tmp.resolve("log"))) {
            for (int b = 0; b < batches; b++) {
                List<StoreEvent> batch = new ArrayList<>(perBatch);
                for (int i = 0; i < perBatch; i++) {
                    String p = "/nix/store/" + String.format("%032d", b * perBatch + i) + "-pkg";
                    batch.add(new StoreEvent.PathRegistered(p, "sha256:1l2mcqmxhqzb1b3zs3bxwyfnz6vzfgszjb2cby5k7bq2rsr0lkvw",
                            1024L * i, List.of(p), null, null, List.of(), 1_700_000_000L, StoreEvent.Origin.IMPORTED));
                }
                log.append(batch);
            }
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                long n = 0, expect = 0;
                try (Stream<LoggedEvent> s = log.read(0)) {
                    for (LoggedEvent e : (Iterable<LoggedEvent>) s::iterator) {
                        assertEquals(expect++, e.sequence());
                        n++;
                    }
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("event-log read: %d events in %.3f s = %.0f events/s (round %d)%n", n, secs, n / secs, round);
                assertEquals((long) batches * perBatch, n);
            }
            var seg = ((org.storelog.log.segment.SegmentEventStorageEngine) ((AxonEventLog) log).backend()).segmentLog();
            var codec = new org.storelog.log.codec.EventCodec();
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                long n;
                try (Stream<Long> s = seg.read(0, (seq, ts, b, t, r, buf, off, len) -> seq)) { n = s.count(); }
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("raw records: %.0f/s%n", n / secs);
                t0 = System.nanoTime();
                try (Stream<StoreEvent> s = seg.read(0, (seq, ts, b, t, r, buf, off, len) -> codec.decode(t, r, buf, off, len))) { n = s.count(); }
                secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("records + json: %.0f/s%n", n / secs);
            }
        }
    }
}
