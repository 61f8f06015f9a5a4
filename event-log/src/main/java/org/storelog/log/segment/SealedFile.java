package org.storelog.log.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The framing of the log's small derived files ({@link RecoveryPoint}, {@link SegmentIndexFile}):
 * a 4-byte magic first, a CRC32C of everything before it last (big-endian). A file that is
 * missing, unreadable, torn or altered reads as null: each is only a hint the log can do without.
 */
final class SealedFile {
    static final int MAGIC_SIZE = 4, CRC_SIZE = 4;

    private SealedFile() {}

    /** A buffer for {@code bodySize} bytes after {@code magic}, positioned after it. */
    static ByteBuffer start(int magic, int bodySize) {
        return ByteBuffer.allocate(MAGIC_SIZE + bodySize + CRC_SIZE).putInt(magic);
    }

    /** Appends the CRC32C of what {@code b} holds so far (it must be full then); returns its array. */
    static byte[] seal(ByteBuffer b) {
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        if (b.hasRemaining()) throw new IllegalStateException(b.remaining() + " bytes left unwritten");
        return b.array();
    }

    /**
     * The whole of {@code file} positioned after its magic, with the CRC left off the limit; null
     * when it cannot be read, is shorter than its framing, has another magic or a CRC that does not match.
     */
    static ByteBuffer read(Path file, int magic) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
        if (bytes.length < MAGIC_SIZE + CRC_SIZE) return null;
        ByteBuffer b = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - CRC_SIZE);
        if (b.getInt(0) != magic || b.getInt(bytes.length - CRC_SIZE) != (int) crc.getValue()) return null;
        return b.position(MAGIC_SIZE).limit(bytes.length - CRC_SIZE);
    }
}
