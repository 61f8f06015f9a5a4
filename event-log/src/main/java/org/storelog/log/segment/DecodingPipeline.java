package org.storelog.log.segment;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.log.codec.EventCodec;

/**
 * Reads the log for a bulk consumer (a replay): one thread reads and CRC-checks records and cuts
 * them into chunks, a small pool decodes the JSON payloads of the chunks in parallel, and the
 * consumer gets the events back in log order while the next chunks are being decoded. A read or
 * decode failure reaches the consumer at its place in the order, after every event before it.
 */
final class DecodingPipeline implements Iterator<LoggedEvent>, AutoCloseable {
    static final int CHUNK = 4096;
    private static final int AHEAD = 16;

    /** A record as read, its payload copied out of the reader's buffer. */
    private record Raw(long seq, long ts, String batchId, String type, int revision, byte[] payload) {}

    private static final CompletableFuture<List<LoggedEvent>> END = CompletableFuture.completedFuture(List.of());

    private final BlockingQueue<CompletableFuture<List<LoggedEvent>>> ahead = new ArrayBlockingQueue<>(AHEAD);
    private final ExecutorService decoders;
    private final Thread reader;
    private Iterator<LoggedEvent> current = List.<LoggedEvent>of().iterator();
    private boolean ended;
    private volatile boolean closed;

    private DecodingPipeline(SegmentLog log, long fromSeq, EventCodec codec, int threads) {
        decoders = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "log-decode");
            t.setDaemon(true);
            return t;
        });
        reader = new Thread(() -> readAll(log, fromSeq, codec), "log-read");
        reader.setDaemon(true);
        reader.start();
    }

    /** Committed events from {@code fromSeq} on, decoded by {@code threads} threads, in order. */
    static Stream<LoggedEvent> stream(SegmentLog log, long fromSeq, EventCodec codec, int threads) {
        DecodingPipeline p = new DecodingPipeline(log, fromSeq, codec, Math.max(1, threads));
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(p, Spliterator.ORDERED | Spliterator.NONNULL),
                false).onClose(p::close);
    }

    private void readAll(SegmentLog log, long fromSeq, EventCodec codec) {
        try (Stream<Raw> raws = log.read(fromSeq, (seq, ts, batchId, type, revision, buf, off, len) -> {
            byte[] payload = new byte[len];
            System.arraycopy(buf, off, payload, 0, len);
            return new Raw(seq, ts, batchId, type, revision, payload);
        })) {
            List<Raw> chunk = new ArrayList<>(CHUNK);
            for (Iterator<Raw> it = raws.iterator(); it.hasNext() && !closed; ) {
                chunk.add(it.next());
                if (chunk.size() == CHUNK) {
                    submit(chunk, codec);
                    chunk = new ArrayList<>(CHUNK);
                }
            }
            if (!chunk.isEmpty()) submit(chunk, codec);
            ahead.put(END);
        } catch (InterruptedException e) {
            // closed by the consumer
        } catch (RuntimeException | Error e) {
            try {
                ahead.put(CompletableFuture.failedFuture(e));
            } catch (InterruptedException ignored) {
                // closed by the consumer
            }
        }
    }

    private void submit(List<Raw> chunk, EventCodec codec) throws InterruptedException {
        ahead.put(CompletableFuture.supplyAsync(() -> {
            List<LoggedEvent> out = new ArrayList<>(chunk.size());
            for (Raw r : chunk)
                out.add(new LoggedEvent(r.seq, r.ts, r.batchId, codec.decode(r.type, r.revision, r.payload)));
            return out;
        }, decoders));
    }

    @Override
    public boolean hasNext() {
        while (!current.hasNext()) {
            if (ended) return false;
            CompletableFuture<List<LoggedEvent>> f;
            try {
                f = ahead.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the log", e);
            }
            if (f == END) {
                ended = true;
                close();
                return false;
            }
            try {
                current = f.get().iterator();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the log", e);
            } catch (ExecutionException e) {
                ended = true;
                close();
                if (e.getCause() instanceof RuntimeException re) throw re;
                if (e.getCause() instanceof Error err) throw err;
                throw new IllegalStateException(e.getCause());
            }
        }
        return true;
    }

    @Override
    public LoggedEvent next() {
        if (!hasNext()) throw new NoSuchElementException();
        return current.next();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        reader.interrupt();
        decoders.shutdownNow();
    }
}
