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
        for (int trial = 0; trial < TRIALS; trial++) {
            Process child = startChild(logDir);
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertNotNull(ready, "child died before opening the log: " + new String(child.getErrorStream().readAllBytes()));
            assertTrue(ready.startsWith("ready"), ready);
            Thread.sleep(random.nextInt(400));
            child.destroyForcibly(); // SIGKILL on Linux
            child.waitFor();

            try (EventLog log = EventLogs.openEmbedded(logDir)) {
                VerifyReport v = log.verify();
                assertTrue(v.ok(), "trial " + trial + ": " + v);
                assertEquals(0, v.tornTailBytes(), "the writer truncated any torn tail on open");
                long last = log.lastSequence();
                assertTrue(last >= prevLast, "trial " + trial + ": committed events vanished");
                if (prevLast >= 0) assertEquals(prevChain, log.chainAt(prevLast), "trial " + trial + ": committed prefix changed");
                checkWholeBatches(log, trial);
                prevLast = last;
                prevChain = log.chainHead().chain();
            }
        }
        assertTrue(prevLast > 0, "children appended nothing");
    }

    /** The log is batches 0..m-1 in order, each complete, with the events the child wrote. */
    private static void checkWholeBatches(EventLog log, int trial) {
        try (Stream<LoggedEvent> s = log.read(0)) {
            int batch = 0, index = 0;
            List<StoreEvent> expected = AppendingChild.batch(0);
            String batchId = null;
            long seq = 0;
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
            assertEquals(expected.size(), index, "trial " + trial + ": last batch " + batch + " is incomplete");
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
