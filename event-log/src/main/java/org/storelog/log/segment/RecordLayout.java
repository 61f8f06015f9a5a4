package org.storelog.log.segment;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32C;

/**
 * Byte layout of one log record (big-endian), in the manner of Kafka's {@code LogSegment} records.
 *
 * <pre>
 * offset size field
 *      0    4 length       bytes after this field (CRC .. end of payload)
 *      4    4 crc          CRC32C of bytes [8, end)
 *      8    8 sequence     global sequence number, from 0, no gaps
 *     16    8 timestamp    epoch milliseconds
 *     24   32 chain        sha256(previous chain ‖ bytes [8,24) ‖ bytes [56,end)); genesis previous = 32 zero bytes
 *     56    4 batchSize    number of records in this record's batch
 *     60    4 batchIndex   0 .. batchSize-1; the record with batchIndex = batchSize-1 commits the batch
 *     64    2 revision     payload revision
 *     66    2 batchIdLen   length of the UTF-8 batch id that follows the header
 *     68    2 typeLen      length of the UTF-8 type name that follows the batch id
 *     70    …              batch id, type name, JSON payload (to the end of the record)
 * </pre>
 * A batch is atomic: its records are contiguous, and a batch whose last record is missing or
 * damaged at the end of the last segment is a torn write, discarded whole.
 */
public final class RecordLayout {
    private RecordLayout() {}

    public static final int LENGTH_OFFSET = 0, LENGTH_SIZE = 4;
    public static final int CRC_OFFSET = 4, CRC_SIZE = 4;
    public static final int SEQUENCE_OFFSET = 8, SEQUENCE_SIZE = 8;
    public static final int TIMESTAMP_OFFSET = 16, TIMESTAMP_SIZE = 8;
    public static final int CHAIN_OFFSET = 24, CHAIN_SIZE = 32;
    public static final int BATCH_SIZE_OFFSET = 56, BATCH_SIZE_SIZE = 4;
    public static final int BATCH_INDEX_OFFSET = 60, BATCH_INDEX_SIZE = 4;
    public static final int REVISION_OFFSET = 64, REVISION_SIZE = 2;
    public static final int BATCH_ID_LENGTH_OFFSET = 66, BATCH_ID_LENGTH_SIZE = 2;
    public static final int TYPE_LENGTH_OFFSET = 68, TYPE_LENGTH_SIZE = 2;
    public static final int HEADER_SIZE = 70;
    /** Everything the CRC covers starts here. */
    public static final int CRC_START = SEQUENCE_OFFSET;
    /** Largest record accepted (length field included). */
    public static final int MAX_RECORD_SIZE = 64 << 20;

    public static final byte[] GENESIS_CHAIN = new byte[CHAIN_SIZE];

    /** Segment file name for a first sequence number: {@code %020d.events}. */
    public static String segmentName(long baseSequence) { return String.format("%020d.events", baseSequence); }

    /** Base sequence of a segment file name, or -1 if the name is not one. */
    public static long baseSequenceOf(String fileName) {
        if (!fileName.matches("\\d{20}\\.events")) return -1;
        return Long.parseLong(fileName.substring(0, 20));
    }

    /** Writes a complete record (length, CRC and chain included) at the buffer's position. */
    static void encode(ByteBuffer out, long seq, long timestamp, byte[] prevChain, int batchSize, int batchIndex,
                       int revision, byte[] batchId, byte[] type, byte[] payload, MessageDigest sha, CRC32C crc) {
        int start = out.position();
        int total = HEADER_SIZE + batchId.length + type.length + payload.length;
        out.putInt(total - LENGTH_SIZE).putInt(0).putLong(seq).putLong(timestamp).put(GENESIS_CHAIN)
                .putInt(batchSize).putInt(batchIndex).putShort((short) revision)
                .putShort((short) batchId.length).putShort((short) type.length)
                .put(batchId).put(type).put(payload);
        byte[] chain = chain(prevChain, out, start, total, sha);
        out.put(start + CHAIN_OFFSET, chain);
        crc.reset();
        crc.update(out.slice(start + CRC_START, total - CRC_START));
        out.putInt(start + CRC_OFFSET, (int) crc.getValue());
    }

    /** The chain value of the record of {@code total} bytes at {@code start} in {@code buf}. */
    static byte[] chain(byte[] prevChain, ByteBuffer buf, int start, int total, MessageDigest sha) {
        sha.reset();
        sha.update(prevChain);
        sha.update(buf.slice(start + SEQUENCE_OFFSET, CHAIN_OFFSET - SEQUENCE_OFFSET));
        sha.update(buf.slice(start + BATCH_SIZE_OFFSET, total - BATCH_SIZE_OFFSET));
        return sha.digest();
    }

    static boolean crcMatches(ByteBuffer buf, int start, int total, CRC32C crc) {
        crc.reset();
        crc.update(buf.slice(start + CRC_START, total - CRC_START));
        return (int) crc.getValue() == buf.getInt(start + CRC_OFFSET);
    }

    static byte[] utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > 0xFFFF) throw new IllegalArgumentException("string too long for a record header: " + s.length());
        return b;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
