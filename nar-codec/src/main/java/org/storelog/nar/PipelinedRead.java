package org.storelog.nar;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/**
 * Reads one large file on a read-ahead thread into a few direct buffers while the calling thread
 * hashes the buffers already filled, so that reading (a copy out of the page cache, done by the
 * kernel) overlaps SHA-256 on a second core. Direct buffers, because {@code FileChannel.read}
 * into a heap buffer copies once more through a temporary direct one, and libcrypto reads them
 * in place ({@link NarDigestSink#takesDirectBuffers}).
 */
final class PipelinedRead {
    /**
     * Bytes per read ({@code -Dstorelog.nar.pipeBuffer=KiB}). 64 KiB, as Nix reads: on the
     * 1 GiB file the kernel's copy out of the page cache took 0.4-0.5 s of CPU with 16-64 KiB
     * reads against 0.8-0.95 s with 128 KiB to 1 MiB (bench/hash.md).
     */
    static final int BUFFER = Integer.getInteger("storelog.nar.pipeBuffer", 64) << 10;
    /** Buffers in flight ({@code -Dstorelog.nar.pipeBuffers=N}), 1 MiB in all by default. */
    static final int BUFFERS = Integer.getInteger("storelog.nar.pipeBuffers", Math.max(3, (1 << 20) / BUFFER));

    private PipelinedRead() {}

    /**
     * Buffers of finished reads, for the next large file: direct buffers are costly to make
     * (zeroed, freed only by the GC), and a tree can hold many files just above the read-ahead
     * threshold. At most {@link #SPARE_MAX} are kept.
     */
    private static final ConcurrentLinkedQueue<ByteBuffer> SPARE = new ConcurrentLinkedQueue<>();
    private static final int SPARE_MAX = 2 * BUFFERS;

    /** A filled buffer, the end of the file (empty buffer), or the reader's failure. */
    private record Piece(ByteBuffer bb, IOException error) {}

    /**
     * Copies the file behind {@code ch} from its current position to {@code sink}, stopping
     * after {@code limit} bytes; returns how many bytes were copied.
     */
    static long copy(FileChannel ch, NarDigestSink sink, long limit, Executor pool) throws IOException {
        BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
        BlockingQueue<Piece> filled = new ArrayBlockingQueue<>(BUFFERS + 1);
        for (int i = 0; i < BUFFERS; i++) {
            ByteBuffer spare = SPARE.poll();
            free.add(spare != null ? spare.clear() : ByteBuffer.allocateDirect(BUFFER));
        }
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        pool.execute(() -> readAll(ch, limit, free, filled, stop));
        long total = 0;
        try {
            while (true) {
                Piece p = filled.take();
                if (p.error() != null) throw p.error();
                if (!p.bb().hasRemaining()) {
                    // The reader has finished: the buffers it left in the free queue can be reused.
                    for (ByteBuffer b; (b = free.poll()) != null && SPARE.size() < SPARE_MAX; ) SPARE.add(b);
                    return total;
                }
                total += p.bb().remaining();
                sink.write(p.bb());
                free.put(p.bb().clear());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing");
        } finally {
            stop.set(true);
            // Unblock a reader still waiting for a free buffer.
            free.offer(ByteBuffer.allocate(0));
        }
    }

    private static void readAll(FileChannel ch, long limit, BlockingQueue<ByteBuffer> free,
                                BlockingQueue<Piece> filled, java.util.concurrent.atomic.AtomicBoolean stop) {
        long left = limit;
        try {
            while (!stop.get()) {
                ByteBuffer bb = free.take();
                if (stop.get()) return;
                if (bb.capacity() > left) bb.limit((int) left);
                int n;
                while (bb.hasRemaining() && (n = ch.read(bb)) > 0) left -= n;
                boolean end = bb.hasRemaining() || left == 0;
                bb.flip();
                if (bb.hasRemaining()) filled.put(new Piece(bb, null));
                if (end) {
                    filled.put(new Piece(ByteBuffer.allocate(0), null));
                    return;
                }
            }
        } catch (IOException e) {
            filled.offer(new Piece(null, e));
        } catch (InterruptedException e) {
            filled.offer(new Piece(null, new InterruptedIOException("interrupted while reading ahead")));
        }
    }
}
