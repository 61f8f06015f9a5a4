package org.storelog.log.segment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.storelog.log.LogException;

/**
 * Sequential reader over the committed records from a sequence number to the committed head
 * seen when it was created. Seeks with the sparse index, reads through a 1 MiB buffer, checks
 * every CRC, and hands each payload to the decoder in place. Holds one open file at a time;
 * closing the stream closes it.
 */
final class Cursor<T> implements Iterator<T>, AutoCloseable {
    private final SegmentLog log;
    private final long lastSeq;
    private final SegmentLog.Decoder<T> decoder;
    private long nextSeq;
    private SegmentLog.Segment segment;
    private FileChannel channel;
    private RecordReader reader;
    private T next;
    private byte[] lastBatchIdBytes = new byte[0];
    private String lastBatchId = "";

    Cursor(SegmentLog log, long fromSeq, long lastSeq, SegmentLog.Decoder<T> decoder) {
        this.log = log;
        this.nextSeq = fromSeq;
        this.lastSeq = lastSeq;
        this.decoder = decoder;
    }

    Stream<T> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this,
                Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(this::close);
    }

    @Override
    public boolean hasNext() {
        if (next != null) return true;
        if (nextSeq > lastSeq) {
            close();
            return false;
        }
        try {
            next = advance();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
        return next != null;
    }

    @Override
    public T next() {
        if (!hasNext()) throw new NoSuchElementException();
        T t = next;
        next = null;
        return t;
    }

    private T advance() throws IOException {
        while (true) {
            if (reader == null && !openSegmentFor(nextSeq)) return null;
            RecordReader.Status st = reader.next();
            if (st == RecordReader.Status.END) {
                closeChannel();
                Map.Entry<Long, SegmentLog.Segment> following = log.segmentMap().higherEntry(segment.base);
                if (following == null || following.getKey() != nextSeq)
                    throw new LogException.CorruptLogException(nextSeq, segment.path.getFileName().toString(), -1,
                            "record " + nextSeq + " is missing");
                continue;
            }
            if (st != RecordReader.Status.RECORD)
                throw new LogException.CorruptLogException(nextSeq, segment.path.getFileName().toString(),
                        reader.positionOfCurrent(), st == RecordReader.Status.BAD_CRC ? "CRC32C mismatch" : "damaged record " + st);
            long seq = reader.sequence();
            if (seq < nextSeq) continue;
            if (seq != nextSeq)
                throw new LogException.CorruptLogException(nextSeq, segment.path.getFileName().toString(),
                        reader.position(), "sequence " + seq + " where " + nextSeq + " was expected");
            nextSeq++;
            return decoder.decode(seq, reader.timestamp(), batchId(), reader.type(), reader.revision(),
                    reader.array(), reader.payloadOffset(), reader.payloadLength());
        }
    }

    /** Batch ids repeat for every record of a batch: reuse the string. */
    private String batchId() {
        byte[] arr = reader.array();
        return readBatchId(arr);
    }

    private String readBatchId(byte[] arr) {
        int start = reader.batchIdOffset(), len = reader.batchIdLength();
        if (len == lastBatchIdBytes.length && Arrays.equals(arr, start, start + len, lastBatchIdBytes, 0, len))
            return lastBatchId;
        lastBatchIdBytes = Arrays.copyOfRange(arr, start, start + len);
        lastBatchId = new String(lastBatchIdBytes, StandardCharsets.UTF_8);
        return lastBatchId;
    }

    private boolean openSegmentFor(long seq) throws IOException {
        Map.Entry<Long, SegmentLog.Segment> e = log.segmentMap().floorEntry(seq);
        if (e == null) return false;
        segment = e.getValue();
        channel = FileChannel.open(segment.path, StandardOpenOption.READ);
        var c = log.committedState();
        boolean closed = segment.base != c.segmentBase();
        long limit = closed ? channel.size() : c.end();
        boolean fromFile = false;
        if (!segment.indexed && seq > segment.base) {
            // first seek into a segment whose index was not built on open (a closed one, or the active one
            // when the open started at the recovery point); a closed one may have its index beside it
            Map<Long, Long> kept = closed ? SegmentIndexFile.load(segment.path, limit) : null;
            if (kept != null) {
                segment.index.putAll(kept);
                segment.indexed = true;
                fromFile = true;
            } else {
                buildIndex(closed, limit);
            }
        }
        Map.Entry<Long, Long> ix = segment.index.floorEntry(seq);
        if (fromFile && ix != null && !recordAt(ix.getValue(), ix.getKey(), limit)) { // a kept index that lies
            segment.index.clear();
            buildIndex(true, limit);
            ix = segment.index.floorEntry(seq);
        }
        long start = ix == null ? 0 : ix.getValue();
        reader = new RecordReader(channel, start, limit);
        return true;
    }

    /** Scans the segment for its sparse index; a closed segment's is then kept beside it. */
    private void buildIndex(boolean closed, long limit) throws IOException {
        SegmentScan.scan(channel, segment.base, limit, null, segment.index, null);
        segment.indexed = true;
        log.indexScanned();
        if (closed) SegmentIndexFile.write(segment.path, limit, segment.index);
    }

    /** Whether an intact record of sequence {@code seq} starts at {@code offset}. */
    private boolean recordAt(long offset, long seq, long limit) throws IOException {
        RecordReader r = new RecordReader(channel, offset, limit, 64 * 1024);
        return r.next() == RecordReader.Status.RECORD && r.sequence() == seq;
    }

    private void closeChannel() {
        reader = null;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) { }
            channel = null;
        }
    }

    @Override public void close() { closeChannel(); }
}
