package org.storelog.nar;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hashes a large regular file straight from a read-only mapping of it (the Java 22+ version of
 * the class in the multi-release jar): libcrypto reads the page cache in place, so the kernel's
 * copy into a buffer ({@code read}, ~0.3-0.6 s of CPU per GiB here) is not made. A second thread
 * maps the pages in ahead of the hashing thread with {@code madvise(MADV_POPULATE_READ)} (Linux
 * 5.14+), 2 MiB at a time; page faults taken by the hashing thread itself cost more than the copy
 * (measured: 2.1 s instead of 0.8 s for 1 GiB). Should the hashing thread catch up, it maps in
 * the next piece itself.
 *
 * <p><b>Truncation.</b> Touching a mapped page past the end of a file that shrank raises SIGBUS,
 * which the JVM turns into a crash when it happens in native code (libcrypto). The file is
 * therefore hashed from the mapping only while this process holds a read lease on it
 * ({@code fcntl(F_SETLEASE, F_RDLCK)}, granted only when nobody has the file open for writing):
 * whoever then opens it for writing or truncates it is held by the kernel until the lease is
 * given back (or {@code /proc/sys/fs/lease-break-time}, 45 s by default, has passed). The lease is
 * checked between pieces ({@code F_GETLEASE}); once a break is pending, the mapping is no longer
 * touched, the lease is given back and the rest of the file is read with {@code read}, which sees
 * the new size: a file that changed size is reported as such. The kernel's notice of the break is
 * sent as SIGURG, which the JVM leaves at its default (ignored): SIGIO, the default, would end the
 * process. What is left: a hashing thread that does not reach its next check (2 MiB, ~1.5 ms of
 * hashing) within the break time, e.g. a process stopped under a debugger, loses its lease to
 * the kernel, and a truncation then can crash it. No lease (another user's file without CAP_LEASE, a file open for writing, a file
 * system without leases), no mapping, or not x86-64 Linux: {@link #hash} returns -1 and the
 * caller reads the file as before.
 *
 * <p>All system calls go through libc's {@code syscall}, linked with the call shape of
 * {@code SHA256_Update} ({@link LibCryptoSha256#SHAPE}): the JDK generates the code of a downcall
 * once per shape, 20-60 ms of start-up each here, so hashing a large file costs one.
 * {@code -Dstorelog.nar.map=false} turns this off; {@code -Dstorelog.nar.mapMin=MiB} (default 4)
 * is the smallest file hashed this way.
 */
final class MappedRead {
    private MappedRead() {}

    static final long MIN = (long) Integer.getInteger("storelog.nar.mapMin", 4) << 20;
    /** Bytes per hash call and per {@code madvise}; a multiple of the page size. */
    static final long PIECE = 2L << 20;
    /** Pieces unmapped at a time behind the hashing thread (16 MiB: what is left at the end is unmapped by the hashing thread). */
    static final long UNMAP_BATCH = 8;

    private static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("storelog.nar.map", "true"))
            && System.getProperty("os.name", "").equals("Linux") && System.getProperty("os.arch", "").equals("amd64")
            && MappedRead.class.getModule().isNativeAccessEnabled();

    // x86-64 system call numbers and constants (asm/unistd_64.h, asm-generic/fcntl.h, mman-common.h).
    private static final long SYS_OPEN = 2, SYS_CLOSE = 3, SYS_FSTAT = 5, SYS_MMAP = 9, SYS_MUNMAP = 11,
            SYS_MADVISE = 28, SYS_FCNTL = 72;
    private static final long O_RDONLY_NONBLOCK_CLOEXEC = 04000 | 02000000;
    private static final long F_SETOWN = 8, F_SETSIG = 10, F_SETLEASE = 1024, F_GETLEASE = 1025, F_RDLCK = 0, F_UNLCK = 2;
    private static final long SIGURG = 23;
    private static final long PROT_READ = 1, MAP_SHARED = 1, MADV_POPULATE_READ = 22;
    /** {@code struct stat} on x86-64: {@code st_mode} and {@code st_size}. */
    private static final long ST_MODE = 24, ST_SIZE = 48, STAT_BYTES = 144;

    /**
     * Test hook: called by the hashing thread with the index of each piece before the lease is
     * checked and the piece hashed (tests truncate the file there); null outside tests.
     */
    static volatile java.util.function.LongConsumer beforePiece;

    private static final java.util.concurrent.atomic.AtomicBoolean CRYPTO_LOADING = new java.util.concurrent.atomic.AtomicBoolean();

    private static final class Sys {
        /** libc's {@code syscall}, of the shape SHA256_Update is linked with (one generated stub for both). */
        static final MethodHandle SYSCALL = LibCryptoSha256.link(Linker.nativeLinker().defaultLookup().find("syscall").orElseThrow());
    }

    private static long sys(long nr, long a, long b, long c, long d, long e, long f) {
        return sys(nr, MemorySegment.ofAddress(a), b, c, d, e, f);
    }

    /** {@code syscall(nr, a, b, …)}, {@code a} given as a segment (a pointer, or a number as an address). */
    private static long sys(long nr, MemorySegment a, long b, long c, long d, long e, long f) {
        try {
            return (long) Sys.SYSCALL.invokeExact(MemorySegment.ofAddress(nr), a, b, c, d, e, f);
        } catch (Throwable t) {
            throw LibCrypto.rethrow(t);
        }
    }

    /** A file open, leased and mapped; {@code next} is the next piece no thread has mapped in yet. */
    private static final class Mapping {
        final int fd;
        final long size;
        final long address;
        final long pieces;
        final AtomicLong next = new AtomicLong();
        volatile boolean stop;
        /** Pieces hashed (the hashing thread no longer touches them); pieces unmapped by the second thread. */
        volatile long hashed, unmapped;
        final CompletableFuture<Void> populated = new CompletableFuture<>();

        Mapping(int fd, long size, long address) {
            this.fd = fd;
            this.size = size;
            this.address = address;
            this.pieces = (size + PIECE - 1) / PIECE;
        }

        /** Maps in pieces not claimed by another thread, up to and including {@code last}. */
        void populateUpTo(long last) {
            long k;
            while ((k = next.get()) <= last && k < pieces) {
                if (next.compareAndSet(k, k + 1)) populate(k);
            }
        }

        void populate(long k) {
            long off = k * PIECE;
            sys(SYS_MADVISE, address + off, Math.min(PIECE, size - off), MADV_POPULATE_READ, 0, 0, 0);
        }

        /**
         * The second thread's loop: maps in every piece, in order; then unmaps the pieces
         * already hashed, {@link #UNMAP_BATCH} at a time, as the hashing thread goes on (tearing
         * down the page tables of 1 GiB took 0.05-0.1 s, which at the end would be on the
         * hashing thread's path; and it is paid at exit if not before). Until done or stopped.
         */
        void populateAll() {
            try {
                long k;
                while (!stop && (k = next.getAndIncrement()) < pieces) populate(k);
                while (!stop && unmapped < pieces) {
                    long upTo = Math.min(hashed, unmapped + UNMAP_BATCH);
                    if (upTo - unmapped < UNMAP_BATCH && upTo < pieces) {
                        java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
                        continue;
                    }
                    sys(SYS_MUNMAP, address + unmapped * PIECE, Math.min(upTo * PIECE, size) - unmapped * PIECE, 0, 0, 0, 0);
                    unmapped = upTo;
                }
            } finally {
                populated.complete(null);
            }
        }

        boolean leaseHeld() {
            return sys(SYS_FCNTL, fd, F_GETLEASE, 0, 0, 0, 0) == F_RDLCK;
        }
    }

    /**
     * Hashes the whole file at {@code path} into {@code sink} from a mapping and returns its
     * length; or returns -1, having written nothing, when the file is not hashed this way (too
     * small, not a regular file, no lease or mapping to be had, or the sink does not hash direct
     * buffers in place). The size is the file's when it was opened; should the file change size
     * while being hashed, a {@link NarTreeException} says so.
     */
    static long hash(Path path, NarDigestSink sink) throws IOException {
        if (!ENABLED) return -1;
        byte[] cpath = cString(path);
        if (cpath == null) return -1;
        // Open, lease and map here (linking the downcall shape on first use), then link the digest
        // (the same shape: a few ms) while a second thread starts mapping the pages in. Linking
        // syscall on a second thread while this one linked libcrypto (two shapes) was slower: this
        // thread waited 6-70 ms for the other, which shares the second core with the JIT.
        // libcrypto is loaded (dlopen and its lookups, ~15 ms) on another thread meanwhile, once.
        if (CRYPTO_LOADING.compareAndSet(false, true)) {
            Thread crypto = new Thread(LibCrypto::loadNow, "nar-libcrypto");
            crypto.setDaemon(true);
            crypto.start();
        }
        Mapping m = open(cpath);
        if (m == null) return -1;
        Thread t = new Thread(m::populateAll, "nar-map-ahead");
        t.setDaemon(true);
        t.start();
        boolean direct = sink.takesDirectBuffers();
        if (!direct) {
            unmap(m);
            sys(SYS_CLOSE, m.fd, 0, 0, 0, 0, 0);
            return -1;
        }
        return hash(m, path, sink);
    }

    private static long hash(Mapping m, Path path, NarDigestSink sink) throws IOException {
        long done = 0;
        try {
            try {
                MemorySegment all = MemorySegment.ofAddress(m.address).reinterpret(m.size);
                for (long k = 0; k < m.pieces; k++) {
                    java.util.function.LongConsumer hook = beforePiece;
                    if (hook != null) hook.accept(k);
                    if (!m.leaseHeld()) break; // someone wants to write or truncate: stop touching the mapping
                    m.populateUpTo(k);
                    long off = k * PIECE;
                    long n = Math.min(PIECE, m.size - off);
                    sink.write(all.asSlice(off, n).asByteBuffer());
                    done += n;
                    m.hashed = k + 1;
                }
            } finally {
                unmap(m);
            }
            if (done < m.size) done += readRest(m, done, sink);
        } finally {
            sys(SYS_CLOSE, m.fd, 0, 0, 0, 0, 0);
        }
        if (done != m.size)
            throw new NarTreeException("file changed size while it was being hashed (" + m.size + " bytes when opened, " + done + " read)", path);
        return done;
    }

    /** Reads the file from {@code from} to its end (after the lease was broken), through descriptor {@code m.fd}. */
    private static long readRest(Mapping m, long from, NarDigestSink sink) throws IOException {
        // Through the descriptor leased and mapped: the same file, even if its name changed since.
        try (FileChannel ch = FileChannel.open(Path.of("/proc/self/fd/" + m.fd))) {
            ch.position(from);
            ByteBuffer bb = ByteBuffer.allocateDirect(64 << 10);
            long total = 0;
            // Reading past the size seen at first is enough to see that the file grew.
            while (from + total <= m.size && ch.read(bb.clear()) > 0) {
                bb.flip();
                total += bb.remaining();
                sink.write(bb);
            }
            return total;
        }
    }

    /** Stops the second thread, unmaps what it left mapped and gives the lease back; the descriptor stays open. */
    private static void unmap(Mapping m) {
        m.stop = true;
        m.populated.join(); // no madvise or munmap by the other thread from here on
        long from = m.unmapped * PIECE;
        if (from < m.size) sys(SYS_MUNMAP, m.address + from, m.size - from, 0, 0, 0, 0);
        sys(SYS_FCNTL, m.fd, F_SETLEASE, F_UNLCK, 0, 0, 0);
    }

    /** Opens, leases and maps the file; null when it cannot or should not be hashed from a mapping. */
    private static Mapping open(byte[] cpath) {
        // Native memory and bulk copies only: heap segments and per-field accessors each cost
        // ~5-10 ms of class initialisation at start-up.
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(cpath.length);
            MemorySegment.copy(cpath, 0, p, ValueLayout.JAVA_BYTE, 0, cpath.length);
            int fd = (int) sys(SYS_OPEN, p, O_RDONLY_NONBLOCK_CLOEXEC, 0, 0, 0, 0);
            if (fd < 0) return null;
            boolean keep = false;
            try {
                MemorySegment st = a.allocate(STAT_BYTES, 8);
                if (sys(SYS_FSTAT, fd, st.address(), 0, 0, 0, 0) != 0) return null;
                long[] words = new long[(int) (STAT_BYTES / 8)];
                MemorySegment.copy(st, ValueLayout.JAVA_LONG, 0, words, 0, words.length);
                int mode = (int) words[(int) (ST_MODE / 8)]; // the low half, x86-64 being little-endian
                long size = words[(int) (ST_SIZE / 8)];
                if ((mode & NativeFs.S_IFMT) != NativeFs.S_IFREG || size < MIN) return null;
                // The break notice as SIGURG (ignored), then the lease, then no owner to signal at all.
                if (sys(SYS_FCNTL, fd, F_SETSIG, SIGURG, 0, 0, 0) != 0) return null;
                if (sys(SYS_FCNTL, fd, F_SETLEASE, F_RDLCK, 0, 0, 0) != 0) return null;
                sys(SYS_FCNTL, fd, F_SETOWN, 0, 0, 0, 0);
                long address = sys(SYS_MMAP, 0, size, PROT_READ, MAP_SHARED, fd, 0);
                if (address == -1) {
                    sys(SYS_FCNTL, fd, F_SETLEASE, F_UNLCK, 0, 0, 0);
                    return null;
                }
                // The first piece mapped in here: a kernel without MADV_POPULATE_READ (before 5.14)
                // refuses it, and hashing would then take a page fault per page (2.5 times slower
                // than reading): read the file instead.
                if (sys(SYS_MADVISE, address, Math.min(PIECE, size), MADV_POPULATE_READ, 0, 0, 0) != 0) {
                    sys(SYS_MUNMAP, address, size, 0, 0, 0, 0);
                    sys(SYS_FCNTL, fd, F_SETLEASE, F_UNLCK, 0, 0, 0);
                    return null;
                }
                keep = true;
                Mapping m = new Mapping(fd, size, address);
                m.next.set(1);
                return m;
            } finally {
                if (!keep) sys(SYS_CLOSE, fd, 0, 0, 0, 0, 0);
            }
        }
    }

    /**
     * Whether this process can take a read lease on {@code path} (tests: leases depend on the
     * file system, the file's owner and {@code /proc/sys/fs/leases-enable}).
     */
    static boolean canLease(Path path) {
        byte[] cpath = ENABLED ? cString(path) : null;
        if (cpath == null) return false;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(cpath.length);
            MemorySegment.copy(cpath, 0, p, ValueLayout.JAVA_BYTE, 0, cpath.length);
            int fd = (int) sys(SYS_OPEN, p, O_RDONLY_NONBLOCK_CLOEXEC, 0, 0, 0, 0);
            if (fd < 0) return false;
            try {
                if (sys(SYS_FCNTL, fd, F_SETSIG, SIGURG, 0, 0, 0) != 0) return false;
                boolean ok = sys(SYS_FCNTL, fd, F_SETLEASE, F_RDLCK, 0, 0, 0) == 0;
                if (ok) sys(SYS_FCNTL, fd, F_SETLEASE, F_UNLCK, 0, 0, 0);
                return ok;
            } finally {
                sys(SYS_CLOSE, fd, 0, 0, 0, 0, 0);
            }
        }
    }

    /** {@code path} as a NUL-terminated C string, or null when its bytes are not known exactly. */
    private static byte[] cString(Path path) {
        String s = path.toString();
        if (s.isEmpty() || s.indexOf('\0') >= 0 || s.indexOf('\uFFFD') >= 0) return null;
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (!StandardCharsets.UTF_8.equals(java.nio.charset.Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")))) {
            for (byte x : b) if (x < 0) return null;
        }
        return java.util.Arrays.copyOf(b, b.length + 1);
    }
}
