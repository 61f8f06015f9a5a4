package org.storelog.nar;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Feeds the contents of regular files, in NAR order, to one consumer thread. Small files are read
 * ahead by a bounded pool (at most {@link #WINDOW_BYTES} and {@link #WINDOW_FILES} in flight);
 * large files are streamed with a reader thread that fills buffers while the consumer digests
 * the previous one.
 */
final class ContentReader implements AutoCloseable {
    static final long SMALL = 1 << 20;
    static final long WINDOW_BYTES = 64L << 20;
    static final int WINDOW_FILES = 4096;
    static final int CHUNK = 1 << 20;

    private static final ExecutorService POOL = Executors.newFixedThreadPool(
            Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors() * 2)), r -> {
                Thread t = new Thread(r, "nar-prefetch");
                t.setDaemon(true);
                return t;
            });

    private final List<FileTree.Regular> files;
    private final ArrayDeque<CompletableFuture<byte[]>> ahead = new ArrayDeque<>();
    private int submitted;
    private int consumed;
    private long bytesAhead;

    ContentReader(List<FileTree.Regular> files) {
        this.files = files;
    }

    /** Writes the contents of the next file (which must be {@code r}) to {@code out}. */
    void next(FileTree.Regular r, OutputStream out) throws IOException {
        if (files.get(consumed) != r) throw new IllegalStateException("files consumed out of NAR order");
        fill();
        CompletableFuture<byte[]> f = ahead.poll();
        consumed++;
        if (f != null) {
            bytesAhead -= r.size();
            byte[] data = join(f);
            out.write(data);
        } else {
            stream(r, out);
        }
        fill();
    }

    private void fill() {
        // Reads ahead only the run of small files after the current position.
        if (submitted < consumed) submitted = consumed;
        while (submitted < files.size() && submitted - consumed < WINDOW_FILES && bytesAhead < WINDOW_BYTES) {
            FileTree.Regular r = files.get(submitted);
            if (r.size() > SMALL) break; // streamed when its turn comes
            submitted++;
            bytesAhead += r.size();
            ahead.add(CompletableFuture.supplyAsync(() -> readSmall(r), POOL));
        }
    }

    private static byte[] readSmall(FileTree.Regular r) {
        try {
            byte[] data = Files.readAllBytes(r.path());
            if (data.length != r.size()) throw changed(r);
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static NarTreeException changed(FileTree.Regular r) {
        return new NarTreeException("file changed size while it was being archived (expected " + r.size() + " bytes)", r.path());
    }

    private static byte[] join(CompletableFuture<byte[]> f) throws IOException {
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

    /** Streams a file of the given size to {@code out}, reading ahead on another thread. */
    static void stream(FileTree.Regular r, OutputStream out) throws IOException {
        try (FileChannel ch = FileChannel.open(r.path())) {
            if (r.size() <= 4 * CHUNK) {
                long total = copySync(ch, out, r.size() + 1);
                if (total != r.size()) throw changed(r);
                return;
            }
            long total = copyOverlapped(ch, out);
            if (total != r.size()) throw changed(r);
        }
    }

    /** Hashes or copies a whole file whose size is not known in advance; returns its length. */
    static long streamAll(Path p, OutputStream out) throws IOException {
        try (FileChannel ch = FileChannel.open(p)) {
            return ch.size() <= 4 * CHUNK ? copySync(ch, out, Long.MAX_VALUE) : copyOverlapped(ch, out);
        }
    }

    private static long copySync(FileChannel ch, OutputStream out, long limit) throws IOException {
        byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(limit, 1))];
        ByteBuffer bb = ByteBuffer.wrap(buf);
        long total = 0;
        int n;
        while (total < limit && (n = ch.read(bb.clear())) > 0) {
            out.write(buf, 0, n);
            total += n;
        }
        return total;
    }

    private record Chunk(byte[] buf, int len, IOException error) {}

    private static long copyOverlapped(FileChannel ch, OutputStream out) throws IOException {
        int chunk = 4 * CHUNK;
        BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(4);
        BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(4);
        for (int i = 0; i < 3; i++) free.add(new byte[chunk]);
        Chunk end = new Chunk(null, -1, null);
        Thread reader = Thread.ofPlatform().daemon().name("nar-read").start(() -> {
            try {
                while (true) {
                    byte[] buf = free.take();
                    ByteBuffer bb = ByteBuffer.wrap(buf);
                    int n;
                    while (bb.hasRemaining() && (n = ch.read(bb)) > 0) { /* fill the buffer */ }
                    if (bb.position() == 0) { full.put(end); return; }
                    full.put(new Chunk(buf, bb.position(), null));
                }
            } catch (IOException e) {
                full.offer(new Chunk(null, -1, e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long total = 0;
        try {
            while (true) {
                Chunk c = full.take();
                if (c.error() != null) throw c.error();
                if (c == end) return total;
                out.write(c.buf(), 0, c.len());
                total += c.len();
                free.put(c.buf());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while reading");
        } finally {
            reader.interrupt();
        }
    }

    @Override public void close() {
        for (CompletableFuture<byte[]> f : ahead) f.cancel(false);
        ahead.clear();
    }
}
