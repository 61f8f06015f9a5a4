package org.storelog.log.segment;

import static org.storelog.log.segment.RecordLayout.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.zip.CRC32C;

/**
 * One pass over a segment file, as Kafka's {@code LogSegment.recover()} does: validates every
 * record (length, CRC, consecutive sequence numbers, batch structure and, when asked, the hash
 * chain), rebuilds the sparse index, and tells where the committed data ends. Bytes after the
 * last complete batch are a torn tail when nothing valid follows them; a bad record followed by
 * a valid one is damage, reported with its sequence number and offset.
 */
final class SegmentScan {
    /** Sparse index granularity: one entry per this many bytes. */
    static final int INDEX_INTERVAL = 32 * 1024;

    /** What a scan found; {@code records} counts committed records. {@code problem} is null unless the segment is damaged. */
    record Result(long committedEnd, long lastSequence, byte[] lastChain, long lastTimestamp, long records,
                  long tornBytes, Problem problem) {}

    record Problem(long sequence, long offset, String reason) {}

    /** Sees every intact committed-or-not record during a scan. */
    interface Visitor {
        void record(RecordReader r);
    }

    private SegmentScan() {}

    /**
     * @param prevChain chain before the segment's first record; null to skip the chain check
     * @param index     receives sparse seq→offset entries (may be null)
     */
    static Result scan(FileChannel ch, long base, long limit, byte[] prevChain,
                       ConcurrentNavigableMap<Long, Long> index, Visitor visitor) throws IOException {
        return scanFrom(ch, 0, base, prevChain, -1, prevChain != null, limit, index, visitor);
    }

    /**
     * The same pass from a batch boundary inside the segment: {@code start} is where a committed
     * batch ended, {@code expectedSeq} the sequence number that follows it, {@code chain} and
     * {@code timestamp} those of its last record. Records before {@code start} are not read, so
     * damage there goes unseen. {@code records} of the result counts the records read.
     */
    static Result scanFrom(FileChannel ch, long start, long expectedSeq, byte[] chain, long timestamp,
                           boolean verifyChain, long limit, ConcurrentNavigableMap<Long, Long> index,
                           Visitor visitor) throws IOException {
        RecordReader r = new RecordReader(ch, start, limit);
        MessageDigest sha = verifyChain ? sha256() : null;
        long committedEnd = start, lastSeq = expectedSeq - 1, lastTs = timestamp, records = 0, committedRecords = 0;
        byte[] committedChain = chain;
        boolean inBatch = false;
        int batchSize = 0, nextIndex = 0;
        String batchId = null;
        long lastIndexed = -INDEX_INTERVAL;
        while (true) {
            RecordReader.Status st = r.next();
            if (st == RecordReader.Status.END) break;
            if (st != RecordReader.Status.RECORD) {
                long bad = r.positionOfCurrent();
                if (validRecordAfter(ch, bad, limit)) {
                    String why = st == RecordReader.Status.BAD_CRC ? "CRC32C mismatch"
                            : st == RecordReader.Status.BAD_LENGTH ? "invalid record length"
                            : "record length runs past the end of the file";
                    return new Result(committedEnd, lastSeq, committedChain, lastTs, committedRecords, 0,
                            new Problem(expectedSeq, bad, why));
                }
                return new Result(committedEnd, lastSeq, committedChain, lastTs, committedRecords, limit - committedEnd, null);
            }
            long seq = r.sequence();
            String problem = null;
            if (seq != expectedSeq) problem = "sequence " + seq + " where " + expectedSeq + " was expected";
            else if (r.batchSize() < 1 || r.batchIndex() < 0 || r.batchIndex() >= r.batchSize())
                problem = "batch index " + r.batchIndex() + " of " + r.batchSize();
            else if (inBatch && (r.batchIndex() != nextIndex || r.batchSize() != batchSize || !r.batchId().equals(batchId)))
                problem = "record " + r.batchIndex() + "/" + r.batchSize() + " of batch " + r.batchId()
                        + " inside unfinished batch " + batchId + " (expected record " + nextIndex + ")";
            else if (!inBatch && r.batchIndex() != 0)
                problem = "batch " + r.batchId() + " starts at record " + r.batchIndex();
            if (problem == null && sha != null) {
                byte[] computed = r.computeChain(chain, sha);
                if (!Arrays.equals(computed, r.storedChain()))
                    problem = "hash chain mismatch: stored " + HexFormat.of().formatHex(r.storedChain())
                            + ", computed " + HexFormat.of().formatHex(computed);
            }
            if (problem != null)
                return new Result(committedEnd, lastSeq, committedChain, lastTs, committedRecords, 0,
                        new Problem(expectedSeq, r.position(), problem));
            chain = r.storedChain();
            if (index != null && r.position() - lastIndexed >= INDEX_INTERVAL) {
                index.put(seq, r.position());
                lastIndexed = r.position();
            }
            if (visitor != null) visitor.record(r);
            records++;
            if (r.batchIndex() == 0) {
                inBatch = true;
                batchSize = r.batchSize();
                batchId = r.batchId();
            }
            nextIndex = r.batchIndex() + 1;
            if (nextIndex == batchSize) {
                inBatch = false;
                committedEnd = r.endPosition();
                lastSeq = seq;
                lastTs = r.timestamp();
                committedChain = chain;
                committedRecords = records;
            }
            expectedSeq++;
        }
        return new Result(committedEnd, lastSeq, committedChain, lastTs, committedRecords, limit - committedEnd, null);
    }

    /** Whether any valid record (plausible length, matching CRC) starts after {@code bad}. */
    private static boolean validRecordAfter(FileChannel ch, long bad, long limit) throws IOException {
        long n = limit - bad;
        if (n > Integer.MAX_VALUE - 16) return true; // far too much to be a torn write
        ByteBuffer tail = ByteBuffer.allocate((int) n);
        while (tail.hasRemaining() && ch.read(tail, bad + tail.position()) > 0) { }
        CRC32C crc = new CRC32C();
        for (int i = 1; i + HEADER_SIZE <= tail.position(); i++) {
            int len = tail.getInt(i);
            if (len < HEADER_SIZE - LENGTH_SIZE || len > MAX_RECORD_SIZE - LENGTH_SIZE) continue;
            if ((long) i + LENGTH_SIZE + len > tail.position()) continue;
            if (crcMatches(tail, i, len + LENGTH_SIZE, crc)) return true;
        }
        return false;
    }
}
