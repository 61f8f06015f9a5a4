package org.storelog.log.segment;

import static org.storelog.log.segment.RecordLayout.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Reads the records of one segment file sequentially through a large buffer, checking each
 * record's length and CRC. Reading never takes the writer lock: it stops at {@code limit}
 * (the committed end, or the file size for recovery and verification).
 */
final class RecordReader implements AutoCloseable {
    enum Status { RECORD, END, TRUNCATED, BAD_LENGTH, BAD_CRC }

    private final FileChannel ch;
    private final long limit;
    private final CRC32C crc = new CRC32C();
    private byte[] arr;
    private ByteBuffer buf;
    private int lo, hi;        // unconsumed data is arr[lo, hi)
    private long loPos;        // file position of arr[lo]
    private int recStart, recTotal;
    private long recPos;

    RecordReader(FileChannel ch, long start, long limit) {
        this(ch, start, limit, 1 << 20);
    }

    RecordReader(FileChannel ch, long start, long limit, int bufferSize) {
        this.ch = ch;
        this.limit = limit;
        this.arr = new byte[bufferSize];
        this.buf = ByteBuffer.wrap(arr);
        this.loPos = start;
    }

    /** Advances to the next record; on anything but RECORD the reader stays at the bad position. */
    Status next() throws IOException {
        long remaining = limit - loPos;
        if (remaining <= 0) return Status.END;
        if (remaining < LENGTH_SIZE) { recPos = loPos; return Status.TRUNCATED; }
        if (!fill(LENGTH_SIZE)) { recPos = loPos; return Status.TRUNCATED; }
        int length = buf.getInt(lo);
        recPos = loPos;
        if (length < HEADER_SIZE - LENGTH_SIZE || length > MAX_RECORD_SIZE - LENGTH_SIZE) return Status.BAD_LENGTH;
        int total = length + LENGTH_SIZE;
        if (remaining < total || !fill(total)) return Status.TRUNCATED;
        recStart = lo;
        recTotal = total;
        int idLen = Short.toUnsignedInt(buf.getShort(lo + BATCH_ID_LENGTH_OFFSET));
        int typeLen = Short.toUnsignedInt(buf.getShort(lo + TYPE_LENGTH_OFFSET));
        if (!crcMatches(buf, lo, total, crc)) return Status.BAD_CRC;
        if (HEADER_SIZE + idLen + typeLen > total) return Status.BAD_LENGTH;
        lo += total;
        loPos += total;
        return Status.RECORD;
    }

    /** File position of the record where {@link #next()} last stopped (the bad one, when it did not return RECORD). */
    long positionOfCurrent() { return recPos; }

    private boolean fill(int need) throws IOException {
        if (hi - lo >= need) return true;
        if (lo > 0) {
            System.arraycopy(arr, lo, arr, 0, hi - lo);
            hi -= lo;
            lo = 0;
        }
        if (need > arr.length) {
            byte[] bigger = new byte[Math.max(need, arr.length * 2)];
            System.arraycopy(arr, 0, bigger, 0, hi);
            arr = bigger;
            buf = ByteBuffer.wrap(arr);
        }
        while (hi < need) {
            long filePos = loPos + hi;
            int want = (int) Math.min(arr.length - hi, limit - filePos);
            if (want <= 0) return false;
            int n = ch.read(ByteBuffer.wrap(arr, hi, want), filePos);
            if (n <= 0) return false;
            hi += n;
        }
        return true;
    }

    // Accessors of the current record (valid after next() returned RECORD).
    long position() { return recPos; }
    int size() { return recTotal; }
    long endPosition() { return recPos + recTotal; }
    long sequence() { return buf.getLong(recStart + SEQUENCE_OFFSET); }
    long timestamp() { return buf.getLong(recStart + TIMESTAMP_OFFSET); }
    int batchSize() { return buf.getInt(recStart + BATCH_SIZE_OFFSET); }
    int batchIndex() { return buf.getInt(recStart + BATCH_INDEX_OFFSET); }
    int revision() { return Short.toUnsignedInt(buf.getShort(recStart + REVISION_OFFSET)); }
    private int idLen() { return Short.toUnsignedInt(buf.getShort(recStart + BATCH_ID_LENGTH_OFFSET)); }
    private int typeLen() { return Short.toUnsignedInt(buf.getShort(recStart + TYPE_LENGTH_OFFSET)); }
    int batchIdOffset() { return recStart + HEADER_SIZE; }
    int batchIdLength() { return idLen(); }
    String batchId() { return new String(arr, recStart + HEADER_SIZE, idLen(), StandardCharsets.UTF_8); }
    String type() { return new String(arr, recStart + HEADER_SIZE + idLen(), typeLen(), StandardCharsets.UTF_8); }
    byte[] array() { return arr; }
    int payloadOffset() { return recStart + HEADER_SIZE + idLen() + typeLen(); }
    int payloadLength() { return recTotal - HEADER_SIZE - idLen() - typeLen(); }

    byte[] storedChain() {
        byte[] c = new byte[CHAIN_SIZE];
        buf.get(recStart + CHAIN_OFFSET, c);
        return c;
    }

    byte[] computeChain(byte[] prev, java.security.MessageDigest sha) { return chain(prev, buf, recStart, recTotal, sha); }

    @Override public void close() {}
}
