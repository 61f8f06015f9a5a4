package org.storelog.log.segment;

import static org.storelog.log.segment.RecordLayout.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Where the last committed batch ended, as the writer last wrote it down: the file
 * {@code .recovery-point} in the log directory, rewritten (not synced) after every commit's fsync,
 * as Kafka's {@code recovery-point-offset-checkpoint}. Opening the log then reads the active
 * segment only from this point on instead of from its first byte, which is what a writer's open
 * cost when the active segment had grown to tens of megabytes.
 *
 * <p>The point is trusted only when the record it names is there as named: at
 * {@code lastRecordOffset}, with a matching CRC, the named sequence number, timestamp and chain
 * value, ending a batch at {@code committedEnd}. A missing, torn, stale or contradicted point (a
 * crash while it was written, a segment truncated or replaced by hand) makes the open read the
 * whole segment, as before. Damage to records before the point is not looked for on open; it is
 * what {@code audit log verify} finds.
 *
 * <p>Layout ({@link SealedFile}, big-endian, 80 bytes): magic {@code "SLRP"}, segment base, offset of the last
 * committed record, committed end, its sequence number, its timestamp, its chain value (32
 * bytes), CRC32C of everything before it.
 */
record RecoveryPoint(long segmentBase, long lastRecordOffset, long committedEnd, long lastSequence,
                     long lastTimestamp, byte[] chain) {
    static final String FILE = ".recovery-point";
    static final int MAGIC = 0x534C5250; // "SLRP"
    static final int SIZE = 4 + 5 * 8 + CHAIN_SIZE + 4;

    RecoveryPoint {
        if (chain.length != CHAIN_SIZE) throw new IllegalArgumentException("chain of " + chain.length + " bytes");
    }

    ByteBuffer encode() {
        ByteBuffer b = SealedFile.start(MAGIC, SIZE - SealedFile.MAGIC_SIZE - SealedFile.CRC_SIZE);
        b.putLong(segmentBase).putLong(lastRecordOffset).putLong(committedEnd).putLong(lastSequence)
                .putLong(lastTimestamp).put(chain);
        return ByteBuffer.wrap(SealedFile.seal(b));
    }

    /** The point written in {@code dir}, or null when there is none or it does not read back intact. */
    static RecoveryPoint read(Path dir) {
        ByteBuffer b = SealedFile.read(dir.resolve(FILE), MAGIC); // null: the open reads the whole segment instead
        if (b == null || b.capacity() != SIZE) return null;
        long base = b.getLong(), recordAt = b.getLong(), end = b.getLong(), seq = b.getLong(), ts = b.getLong();
        byte[] chain = new byte[CHAIN_SIZE];
        b.get(chain);
        if (base < 0 || recordAt < 0 || end <= recordAt || seq < base) return null;
        return new RecoveryPoint(base, recordAt, end, seq, ts, chain);
    }

    /** Whether the segment behind {@code ch} (of {@code size} bytes) holds the record this point names, as named. */
    boolean matches(FileChannel ch, long size) throws IOException {
        if (committedEnd > size) return false;
        long length = committedEnd - lastRecordOffset;
        if (length > MAX_RECORD_SIZE) return false;
        RecordReader r = new RecordReader(ch, lastRecordOffset, committedEnd, (int) Math.max(length, HEADER_SIZE));
        return r.next() == RecordReader.Status.RECORD
                && r.endPosition() == committedEnd
                && r.sequence() == lastSequence
                && r.timestamp() == lastTimestamp
                && r.batchIndex() == r.batchSize() - 1
                && Arrays.equals(r.storedChain(), chain);
    }

    /** Rewrites the point at the start of {@code file} (an open channel on {@link #FILE}); not synced. */
    void writeTo(FileChannel file) throws IOException {
        ByteBuffer b = encode();
        long pos = 0;
        while (b.hasRemaining()) pos += file.write(b, pos);
    }

    /** The file for {@link #writeTo}; one longer than a point (never written so) is cut to its size. */
    static FileChannel openForWriting(Path dir) throws IOException {
        FileChannel ch = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (ch.size() > SIZE) ch.truncate(SIZE);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return ch;
    }
}
