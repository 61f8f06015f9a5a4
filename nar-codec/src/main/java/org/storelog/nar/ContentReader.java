package org.storelog.nar;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Feeds the contents of regular files, in NAR order, to the one thread that writes the NAR.
 * Runs of small files (and files whose size the walk left unknown, see {@link FileTree}) are
 * read ahead by a small pool, in batches, with at most {@link #WINDOW_BYTES} of known size and
 * {@link #BATCHES_AHEAD} batches in flight. A file of unknown size is opened, {@code fstat}'ed
 * and read in one go by a read-ahead thread; one that turns out larger than {@link #SMALL} is
 * left to the writing thread. Large files going to a libcrypto-backed digest are read by
 * {@link PipelinedRead} on a read-ahead thread; otherwise the writing thread reads them itself
 * in {@link #CHUNK}-byte pieces (a size that stays in cache, measured faster than larger reads).
 */
final class ContentReader implements AutoCloseable {
    static final long SMALL = 256 << 10;
    static final long WINDOW_BYTES = 32L << 20;
    static final long BATCH_BYTES = 512 << 10;
    static final int BATCH_FILES = 64;
    static final int CHUNK = 256 << 10;
    static final int BATCHES_AHEAD = 24;

    /** Read-ahead threads: {@code -Dstorelog.nar.readers=N}, default the number of CPUs (at least 2). */
    static final int READERS = Integer.getInteger("storelog.nar.readers",
            Math.max(2, Runtime.getRuntime().availableProcessors()));

    private static final ExecutorService POOL = READERS <= 0 ? null : Executors.newFixedThreadPool(READERS, r -> {
                Thread t = new Thread(r, "nar-read-ahead");
                t.setDaemon(true);
                return t;
            });

    private final FileTree files;
    /** Consecutive small files read into one reusable slab: file i is slab[ends[i-1], ends[i]). */
    private record Batch(byte[] slab, int[] ends, long knownBytes) {}

    /**
     * A batch to read, by a read-ahead thread or by the writing thread itself when it needs the
     * batch before any read-ahead thread has started on it (then the writing thread does not
     * sit idle while the readers are behind, as they are on a busy or two-core machine).
     */
    private final class Task implements Runnable {
        private final FileTree.Regular[] slice;
        private final long knownBytes;
        private final java.util.concurrent.atomic.AtomicBoolean claimed = new java.util.concurrent.atomic.AtomicBoolean();
        final CompletableFuture<Batch> result = new CompletableFuture<>();

        Task(FileTree.Regular[] slice, long knownBytes) {
            this.slice = slice;
            this.knownBytes = knownBytes;
        }

        @Override public void run() {
            if (!claimed.compareAndSet(false, true)) return;
            try {
                result.complete(readBatch(slice, knownBytes));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }
    }

    /** Batches read ahead, in NAR order. */
    private final ArrayDeque<Task> ahead = new ArrayDeque<>();
    /** Slabs given back by the writing thread, for the readers to fill again. */
    private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> slabs = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private Batch batch;
    private int batchPos;
    private int submitted;
    private int consumed;
    private long bytesAhead;

    ContentReader(FileTree files) {
        this.files = files;
    }

    /** Gets a read-ahead thread ready for a tree (links its C calls) while the walk starts. */
    static void warmUp() {
        if (POOL != null && NativeFs.available()) POOL.execute(NativeFs::linkReads);
    }

    /** True when trees can be walked without stat'ing regular files (their batches do it). */
    static boolean statsInBatches() {
        return POOL != null;
    }

    /** Whether {@code r}, not yet submitted, is to go through a read-ahead batch rather than being streamed. */
    private static boolean batchable(FileTree.Regular r) {
        return POOL != null && r.size() <= SMALL;
    }

    /**
     * Makes the size and mode of the next file (which must be {@code r}) known, waiting for its
     * read-ahead batch if need be; call before {@link #next}.
     */
    void prepare(FileTree.Regular r) throws IOException {
        if (files.published() <= consumed) files.awaitFiles(consumed);
        if (files.file(consumed) != r) throw new IllegalStateException("files consumed out of NAR order");
        fill();
        if (!r.readAhead()) return;
        if (batch == null || batchPos == batch.ends().length) {
            if (batch != null) {
                slabs.add(batch.slab());
                bytesAhead -= batch.knownBytes();
            }
            Task t = ahead.poll();
            if (t == null) throw new IllegalStateException("no read-ahead batch for " + r.path());
            t.run();
            batch = join(t.result);
            batchPos = 0;
        }
        if (!r.known()) throw new IllegalStateException("size of " + r.path() + " not read ahead");
    }

    /** Writes the contents of the next file, prepared by {@link #prepare}, to {@code out}. */
    void next(FileTree.Regular r, OutputStream out) throws IOException {
        if (files.file(consumed) != r) throw new IllegalStateException("files consumed out of NAR order");
        if (!r.readAhead()) {
            stream(r, out);
            consumed++;
            fill();
            return;
        }
        int from = batchPos == 0 ? 0 : batch.ends()[batchPos - 1];
        int len = batch.ends()[batchPos++] - from;
        consumed++;
        if (r.deferred()) stream(r, out);
        else out.write(batch.slab(), from, len);
        fill();
    }

    /**
     * Submits batches of the files known so far. While the walk goes on, a batch smaller than
     * {@link #BATCH_FILES} is only submitted when the writing thread needs its first file.
     */
    private void fill() {
        if (POOL == null) return;
        if (submitted < consumed) submitted = consumed;
        // The window does not hold back the file the writing thread needs next.
        while (submitted <= consumed || (bytesAhead < WINDOW_BYTES && ahead.size() < BATCHES_AHEAD)) {
            boolean done = files.done();
            int known = files.published();
            if (submitted >= known) return;
            int start = submitted;
            int end = start;
            long bytes = 0;
            while (end < known && end - start < BATCH_FILES && bytes < BATCH_BYTES && batchable(files.file(end))) {
                bytes += Math.max(0, files.file(end).size());
                end++;
            }
            if (end == start) {
                // A large file: read when its turn comes; read ahead past it only once it is consumed.
                if (start >= consumed) return;
                submitted++;
                continue;
            }
            boolean cut = end == known && end - start < BATCH_FILES && bytes < BATCH_BYTES;
            if (cut && !done && start > consumed) return; // wait for more files, unless needed now
            FileTree.Regular[] slice = new FileTree.Regular[end - start];
            for (int i = start; i < end; i++) {
                slice[i - start] = files.file(i);
                slice[i - start].readAhead(true);
            }
            submitted = end;
            bytesAhead += bytes;
            Task t = new Task(slice, bytes);
            ahead.add(t);
            POOL.execute(t);
        }
    }

    private Batch readBatch(FileTree.Regular[] slice, long knownBytes) {
        byte[] slab = slabs.poll();
        // One spare byte: reads look one byte past each file to see that it did not grow.
        if (slab == null) slab = new byte[(int) (BATCH_BYTES + SMALL + 1)];
        int[] ends = new int[slice.length];
        int at = 0;
        ByteBuffer probe = ByteBuffer.allocate(1);
        long[] stat = new long[1];
        try {
            for (int i = 0; i < ends.length; i++) {
                FileTree.Regular r = slice[i];
                int fd = r.cpath() == null ? -1 : NativeFs.open(r.cpath());
                if (fd < 0) {
                    statWithJdk(r);
                    if (!r.deferred()) {
                        slab = room(slab, at, r.size());
                        readWithChannel(r, slab, at, probe);
                    }
                } else {
                    try {
                        int mode = NativeFs.fstat(fd, stat);
                        if (mode < 0) {
                            statWithJdk(r);
                        } else {
                            if ((mode & NativeFs.S_IFMT) != NativeFs.S_IFREG)
                                throw new NarTreeException("changed from a regular file to another type while it was being archived", r.path());
                            if (r.known() && r.size() != stat[0]) throw changed(r);
                            r.stat(stat[0], (mode & 0100) != 0);
                            if (stat[0] > SMALL) r.defer();
                        }
                        if (!r.deferred()) {
                            slab = room(slab, at, r.size());
                            long got = NativeFs.read(fd, slab, at, (int) r.size());
                            if (got < 0) readWithChannel(r, slab, at, probe);
                            else if (got != r.size()) throw changed(r);
                        }
                    } finally {
                        NativeFs.close(fd);
                    }
                }
                if (!r.deferred()) at += (int) r.size();
                ends[i] = at;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Batch(slab, ends, knownBytes);
    }

    /** {@code slab}, or a larger copy of it, with room for {@code size} + 1 bytes at {@code at}. */
    private static byte[] room(byte[] slab, int at, long size) {
        long need = at + size + 1;
        return need <= slab.length ? slab : Arrays.copyOf(slab, (int) Math.max(need, 2L * slab.length));
    }

    /** Size and mode of a file the walk did not stat, through the JDK (which reports any failure). */
    private static void statWithJdk(FileTree.Regular r) throws IOException {
        PosixFileAttributes a = Files.readAttributes(r.path(), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile())
            throw new NarTreeException("changed from a regular file to another type while it was being archived", r.path());
        if (r.known() && r.size() != a.size()) throw changed(r);
        r.stat(a.size(), a.permissions().contains(PosixFilePermission.OWNER_EXECUTE));
        if (a.size() > SMALL) r.defer();
    }

    private static void readWithChannel(FileTree.Regular r, byte[] slab, int at, ByteBuffer probe) throws IOException {
        // A channel, not a FileInputStream: Path keeps the exact bytes of the name.
        try (FileChannel ch = FileChannel.open(r.path())) {
            ByteBuffer bb = ByteBuffer.wrap(slab, at, (int) r.size());
            while (bb.hasRemaining() && ch.read(bb) > 0) { /* fill */ }
            if (bb.hasRemaining() || ch.read(probe.clear()) > 0) throw changed(r);
        }
    }

    private static NarTreeException changed(FileTree.Regular r) {
        return new NarTreeException("file changed size while it was being archived (expected " + r.size() + " bytes)", r.path());
    }

    private static <T> T join(CompletableFuture<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while reading ahead");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof UncheckedIOException u) throw u.getCause();
            if (c instanceof IOException io) throw io;
            throw new IOException(c);
        }
    }

    /** Streams a file of the size recorded by the scan to {@code out}. */
    static void stream(FileTree.Regular r, OutputStream out) throws IOException {
        try (FileChannel ch = FileChannel.open(r.path())) {
            if (copyAll(r.path(), ch, out, r.size() + 1) != r.size()) throw changed(r);
        }
    }

    /** Copies a whole file whose size is not known in advance; returns its length. */
    static long streamAll(Path p, OutputStream out) throws IOException {
        try (FileChannel ch = FileChannel.open(p)) {
            return copyAll(p, ch, out, Long.MAX_VALUE);
        }
    }

    /**
     * Copies the file at {@code p}, open as {@code ch}: a large one going only to a digest is
     * hashed from a mapping when it can be ({@link MappedRead}), else read ahead on a second
     * thread ({@link PipelinedRead}) when the digest takes direct buffers, else read here.
     */
    private static long copyAll(Path p, FileChannel ch, OutputStream out, long limit) throws IOException {
        if (POOL != null && out instanceof NarDigestSink sink && sink.hashesOnly() && ch.size() >= MappedRead.MIN) {
            long n = MappedRead.hash(p, sink);
            if (n >= 0) return n;
        }
        if (POOL != null && out instanceof NarDigestSink sink && sink.takesDirectBuffers()
                && ch.size() > CHUNK) return PipelinedRead.copy(ch, sink, limit, POOL);
        return copy(ch, out, limit);
    }

    private static long copy(FileChannel ch, OutputStream out, long limit) throws IOException {
        // Sized to the file (plus one byte to see its end), at most CHUNK.
        byte[] buf = new byte[(int) Math.max(1, Math.min(CHUNK, Math.min(limit, ch.size() + 1)))];
        ByteBuffer bb = ByteBuffer.wrap(buf);
        long total = 0;
        int n;
        while (total < limit && (n = ch.read(bb.clear())) > 0) {
            out.write(buf, 0, n);
            total += n;
        }
        return total;
    }

    @Override public void close() {
        for (Task t : ahead) t.claimed.set(true);
        ahead.clear();
    }
}
