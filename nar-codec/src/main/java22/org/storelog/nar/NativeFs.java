package org.storelog.nar;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The few file system calls a tree walk and read-ahead make per file, straight to the C
 * library through the foreign function API (the Java 22+ version of the class in the
 * multi-release jar). Per file this is one {@code statx} while walking and {@code open},
 * usually one {@code read}, and {@code close} while reading, as Nix's {@code dump} in
 * {@code src/libutil/archive.cc} does, without the JDK's per-file channel, descriptor and
 * cleaner objects, whose code the JIT would otherwise compile while the files are read.
 *
 * <p>Paths and buffers are Java arrays passed in place (critical downcalls): the calls are
 * short, never call back, and on local file systems do not block for long. Failures return
 * "failed" only; callers redo the operation through {@code java.nio.file}, which reports why.
 * Not available (callers use the JDK throughout) off Linux, without native access
 * ({@code --enable-native-access}), or with {@code -Dstorelog.nar.nativefs=false}.
 */
final class NativeFs {
    private NativeFs() {}

    static final int S_IFMT = 0170000;
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;

    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int STATX_TYPE_MODE_SIZE = 0x1 | 0x2 | 0x200;
    /** Offsets in {@code struct statx} (the same on every Linux architecture). */
    private static final long STX_MODE = 0x1c, STX_SIZE = 0x28, STATX_BYTES = 256;
    /** Offsets in glibc's {@code struct dirent64} on 64-bit Linux. */
    private static final long D_RECLEN = 16, D_TYPE = 18, D_NAME = 19, DIRENT_BYTES = D_NAME + 256;
    /** {@code O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC}. */
    private static final int OPEN_FLAGS = 04000 | 0400000 | 02000000;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final byte[] EMPTY_PATH = {0};

    private static final boolean AVAILABLE = usable();
    private static final ThreadLocal<MemorySegment> STATX_BUF =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(STATX_BYTES, 8));

    private static boolean usable() {
        if (!Boolean.parseBoolean(System.getProperty("storelog.nar.nativefs", "true"))) return false;
        if (!System.getProperty("os.name", "").equals("Linux") || ValueLayout.ADDRESS.byteSize() != 8) return false;
        if (!NativeFs.class.getModule().isNativeAccessEnabled()) return false;
        try {
            SymbolLookup libc = Linker.nativeLinker().defaultLookup();
            for (String n : new String[] {"statx", "open", "read", "close", "opendir", "readdir64", "closedir"})
                if (libc.find(n).isEmpty()) return false;
            return true;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * A downcall handle for libc's {@code name}. Each one costs start-up time (the JDK generates
     * and compiles code for it), so the handles are made on first use, in three groups: hashing
     * one large file needs only {@code statx}.
     */
    private static MethodHandle link(String name, FunctionDescriptor fd, Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        return linker.downcallHandle(linker.defaultLookup().find(name).orElseThrow(), fd, options);
    }

    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
    private static final AddressLayout A = ValueLayout.ADDRESS;
    /** Arrays passed in place; the calls never call back into Java. */
    private static final Linker.Option IN_PLACE = Linker.Option.critical(true);

    private static final class Stat {
        static final MethodHandle STATX = link("statx", FunctionDescriptor.of(I, I, A, I, I, A), IN_PLACE);
    }

    private static final class Dir {
        static final MethodHandle OPENDIR = link("opendir", FunctionDescriptor.of(A, A), IN_PLACE);
        static final MethodHandle READDIR = link("readdir64", FunctionDescriptor.of(A, A));
        static final MethodHandle CLOSEDIR = link("closedir", FunctionDescriptor.of(I, A));
    }

    private static final class Read {
        static final MethodHandle OPEN = link("open", FunctionDescriptor.of(I, A, I), IN_PLACE);
        static final MethodHandle READ = link("read", FunctionDescriptor.of(L, I, A, L), IN_PLACE);
        static final MethodHandle CLOSE = link("close", FunctionDescriptor.of(I, I), Linker.Option.critical(false));
    }

    static boolean available() {
        return AVAILABLE;
    }

    /** Links open, read and close now (on a read-ahead thread, while the walk lists the first directory). */
    static void linkReads() {
        if (AVAILABLE) java.util.Objects.requireNonNull(Read.CLOSE);
    }

    /** {@code d_type} values of a directory entry ({@code DT_UNKNOWN}: ask {@code lstat}). */
    static final int DT_UNKNOWN = 0, DT_DIR = 4, DT_REG = 8, DT_LNK = 10;

    /** A directory entry: its name and its {@code d_type} as {@code readdir} reported it. */
    record DirEntry(byte[] name, int type) {}

    /** The names in directory {@code path} (NUL-terminated), without {@code .} and {@code ..}; null on failure. */
    static List<byte[]> list(byte[] path) {
        List<DirEntry> es = entries(path);
        if (es == null) return null;
        List<byte[]> names = new ArrayList<>(es.size());
        for (DirEntry e : es) names.add(e.name());
        return names;
    }

    /** The entries of directory {@code path} (NUL-terminated), without {@code .} and {@code ..}; null on failure. */
    static List<DirEntry> entries(byte[] path) {
        try {
            MemorySegment dir = (MemorySegment) Dir.OPENDIR.invokeExact(MemorySegment.ofArray(path));
            if (dir.address() == 0) return null;
            try {
                List<DirEntry> entries = new ArrayList<>();
                byte[] record = new byte[256];
                while (true) {
                    MemorySegment e = (MemorySegment) Dir.READDIR.invokeExact(dir);
                    if (e.address() == 0) return entries;
                    // One copy of the record's name field, then a plain array scan for its NUL
                    // (per-byte segment reads are slow until the JIT has compiled them).
                    e = e.reinterpret(DIRENT_BYTES);
                    int field = Math.min(e.get(ValueLayout.JAVA_SHORT_UNALIGNED, D_RECLEN) & 0xffff, (int) DIRENT_BYTES) - (int) D_NAME;
                    if (record.length < field) record = new byte[field];
                    MemorySegment.copy(e, ValueLayout.JAVA_BYTE, D_NAME, record, 0, field);
                    int len = 0;
                    while (len < field && record[len] != 0) len++;
                    if (record[0] == '.' && (len == 1 || (len == 2 && record[1] == '.'))) continue;
                    entries.add(new DirEntry(Arrays.copyOf(record, len), e.get(ValueLayout.JAVA_BYTE, D_TYPE) & 0xff));
                }
            } finally {
                int ignored = (int) Dir.CLOSEDIR.invokeExact(dir);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code lstat} of {@code path} (NUL-terminated): returns {@code st_mode} and puts the size
     * in {@code size[0]}; -1 on failure.
     */
    static int lstat(byte[] path, long[] size) {
        return statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, size);
    }

    /** {@code fstat} of descriptor {@code fd}: returns {@code st_mode}, puts the size in {@code size[0]}; -1 on failure. */
    static int fstat(int fd, long[] size) {
        return statx(fd, EMPTY_PATH, AT_EMPTY_PATH, size);
    }

    private static int statx(int dirFd, byte[] path, int flags, long[] size) {
        MemorySegment buf = STATX_BUF.get();
        try {
            int r = (int) Stat.STATX.invokeExact(dirFd, MemorySegment.ofArray(path), flags, STATX_TYPE_MODE_SIZE, buf);
            if (r != 0) return -1;
        } catch (Throwable t) {
            throw rethrow(t);
        }
        size[0] = buf.get(ValueLayout.JAVA_LONG_UNALIGNED, STX_SIZE);
        return buf.get(ValueLayout.JAVA_SHORT_UNALIGNED, STX_MODE) & 0xffff;
    }

    /**
     * Reads file {@code path} (NUL-terminated) into {@code buf[off, off + len)}, using
     * {@code buf[off + len]} to see whether the file holds more; returns the number of bytes
     * read (at most {@code len + 1}), or -1 on failure.
     */
    static long read(byte[] path, byte[] buf, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len + 1, buf.length);
        int fd = open(path);
        if (fd < 0) return -1;
        try {
            return read(fd, buf, off, len);
        } finally {
            close(fd);
        }
    }

    /**
     * Opens file {@code path} (NUL-terminated) for reading without following a symlink, and
     * without blocking should it have become a FIFO; returns the descriptor, or -1 on failure.
     */
    static int open(byte[] path) {
        try {
            return (int) Read.OPEN.invokeExact(MemorySegment.ofArray(path), OPEN_FLAGS);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Reads from descriptor {@code fd} into {@code buf[off, off + len]}, the last byte to see
     * whether the file holds more than {@code len}; returns the bytes read (at most
     * {@code len + 1}), or -1 on failure. A read that returns fewer bytes than asked for is
     * taken as the end of the file (as it is for regular files on Linux), which saves the
     * second {@code read} per file that would only return 0.
     */
    static long read(int fd, byte[] buf, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len + 1, buf.length);
        try {
            MemorySegment all = MemorySegment.ofArray(buf);
            long total = 0;
            while (total <= len) {
                long want = len + 1 - total;
                long n = (long) Read.READ.invokeExact(fd, all.asSlice(off + total), want);
                if (n < 0) return -1;
                total += n;
                if (n < want) break;
            }
            return total;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Closes descriptor {@code fd}. */
    static void close(int fd) {
        try {
            int ignored = (int) Read.CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
