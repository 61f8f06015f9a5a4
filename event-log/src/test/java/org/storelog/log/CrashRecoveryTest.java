package org.storelog.log;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;

/**
 * A child JVM appending batches is killed with SIGKILL at random moments, 32 times over the same
 * log. After each kill the log verifies, every batch is all or nothing, and everything committed
 * before survives.
 */
class CrashRecoveryTest {
    static final int TRIALS = 32;
    @TempDir Path tmp;

    @Test
    void sigkillAtRandomMoments_leavesWholeBatchesAndAnIntactPrefix() throws Exception {
        Path logDir = tmp.resolve("log");
        Random random = new Random(20261123L);
        long prevLast = -1;
        String prevChain = null;
        int tornTrials = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            Process child = startChild(logDir);
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertNotNull(ready, "child died before opening the log: " + new String(child.getErrorStream().readAllBytes()));
            assertTrue(ready.startsWith("ready"), ready);
            // let it commit a few batches, then kill it at a random moment of the next ones
            int wanted = 1 + random.nextInt(2);
            for (int seen = 0; seen < wanted; ) {
                String line = out.readLine();
                assertNotNull(line, "child died");
                if (line.startsWith("committed")) seen++;
            }
            Thread.sleep(random.nextInt(500));
            child.destroyForcibly(); // SIGKILL on Linux
            child.waitFor();

            try (var recovering = org.storelog.log.segment.SegmentLog.openWriter(logDir,
                    org.storelog.log.segment.SegmentLog.Options.defaults())) {
                if (recovering.recoveredTornBytes() > 0) tornTrials++;
            }
            try (EventLog log = EventLogs.openEmbedded(logDir)) {
                VerifyReport v = log.verify();
                assertTrue(v.ok(), "trial " + trial + ": " + v);
                assertEquals(0, v.tornTailBytes(), "the writer truncated any torn tail on open");
                long last = log.lastSequence();
                assertTrue(last >= prevLast, "trial " + trial + ": committed events vanished");
                if (prevLast >= 0) assertEquals(prevChain, log.chainAt(prevLast), "trial " + trial + ": committed prefix changed");
                checkWholeBatches(log, trial);
                assertEquals(last + 1, seqSeen);
                prevLast = last;
                prevChain = log.chainHead().chain();
            }
        }
        assertTrue(prevLast > 0, "children appended nothing");
        System.out.println("crash recovery: " + TRIALS + " kills, " + tornTrials + " left a torn batch, "
                + batchesSeen + " batches / " + seqSeen + " events committed");
    }

    /** Batches found so far and the sequence number after them; each trial checks only what is new. */
    private int batchesSeen;
    private long seqSeen;

    /** The log is batches 0..m-1 in order, each complete, with the events the child wrote. */
    private void checkWholeBatches(EventLog log, int trial) {
        try (Stream<LoggedEvent> s = log.read(seqSeen)) {
            int batch = batchesSeen, index = 0;
            List<StoreEvent> expected = AppendingChild.batch(batch);
            String batchId = null;
            long seq = seqSeen;
            for (LoggedEvent e : (Iterable<LoggedEvent>) s::iterator) {
                assertEquals(seq++, e.sequence());
                if (index == expected.size()) {
                    batch++;
                    index = 0;
                    expected = AppendingChild.batch(batch);
                    assertNotEquals(batchId, e.batchId(), "trial " + trial + ": batch " + batch + " shares an id");
                }
                if (index == 0) batchId = e.batchId();
                assertEquals(batchId, e.batchId());
                assertEquals(expected.get(index), e.event(), "trial " + trial + ", batch " + batch + ", event " + index);
                index++;
            }
            if (seq == seqSeen) return; // nothing new this trial
            assertEquals(expected.size(), index, "trial " + trial + ": last batch " + batch + " is incomplete");
            batchesSeen = batch + 1;
            seqSeen = seq;
        }
    }

    private static Process startChild(Path logDir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", cp, "-Xshare:auto", AppendingChild.class.getName(), logDir.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }
}
