package org.storelog.nar;

import java.util.List;

/**
 * The few file system calls a tree walk and read-ahead make per file (directory listing,
 * {@code lstat}, open, read, close), straight to the C library, without the JDK's per-file
 * objects. This Java 21 version is never available: calling C needs the foreign function API,
 * final only from Java 22, so the multi-release jar carries the real implementation in
 * {@code META-INF/versions/22} (source: {@code src/main/java22}). Callers fall back to
 * {@code java.nio.file}, which also reports the errors: every method here answers "failed"
 * without saying why, and the caller then retries the same operation through the JDK.
 */
final class NativeFs {
    private NativeFs() {}

    static final int S_IFMT = 0170000;
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;

    /** {@code d_type} values of a directory entry ({@code DT_UNKNOWN}: ask {@code lstat}). */
    static final int DT_UNKNOWN = 0, DT_DIR = 4, DT_REG = 8, DT_LNK = 10;

    /** A directory entry: its name and its {@code d_type} as {@code readdir} reported it. */
    record DirEntry(byte[] name, int type) {}

    static boolean available() {
        return false;
    }

    /** Links the calls that read files ahead of their use (nothing to link here). */
    static void linkReads() {}

    /** The entries of directory {@code path} (NUL-terminated), without {@code .} and {@code ..}; null on failure. */
    static List<DirEntry> entries(byte[] path) {
        return null;
    }

    /**
     * Opens file {@code path} (NUL-terminated) for reading without following a symlink, and
     * without blocking should it have become a FIFO; returns the descriptor, or -1 on failure.
     */
    static int open(byte[] path) {
        return -1;
    }

    /** {@code fstat} of descriptor {@code fd}: returns {@code st_mode}, puts the size in {@code size[0]}; -1 on failure. */
    static int fstat(int fd, long[] size) {
        return -1;
    }

    /**
     * Reads from descriptor {@code fd} into {@code buf[off, off + len]}, the last byte to see
     * whether the file holds more than {@code len}; returns the bytes read (at most
     * {@code len + 1}), or -1 on failure.
     */
    static long read(int fd, byte[] buf, int off, int len) {
        return -1;
    }

    /** Closes descriptor {@code fd}. */
    static void close(int fd) {
        throw new UnsupportedOperationException();
    }

    /** The names in directory {@code path} (NUL-terminated), without {@code .} and {@code ..}; null on failure. */
    static List<byte[]> list(byte[] path) {
        return null;
    }

    /**
     * {@code lstat} of {@code path} (NUL-terminated): returns {@code st_mode} and puts the size
     * in {@code size[0]}; -1 on failure.
     */
    static int lstat(byte[] path, long[] size) {
        return -1;
    }

    /**
     * Reads file {@code path} (NUL-terminated) into {@code buf[off, off + len)}, using
     * {@code buf[off + len]} to see whether the file holds more; returns the number of bytes
     * read (at most {@code len + 1}), or -1 on failure.
     */
    static long read(byte[] path, byte[] buf, int off, int len) {
        return -1;
    }

    // Placeholders for the Java 22 version's nested classes (its groups of downcall handles): the
    // JDK's AOT cache keeps a class of a multi-release jar's versioned directory only when the
    // jar also has a file for it at the base location; otherwise each would be loaded and
    // verified from the jar at every start. Never used here.
    @SuppressWarnings("unused") private static final class Stat {}
    @SuppressWarnings("unused") private static final class Dir {}
    @SuppressWarnings("unused") private static final class Read {}
}
