package org.storelog.log;

import java.util.List;
import java.util.stream.Stream;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;

/**
 * The storelog-facing log: atomic batches of {@link StoreEvent}s in, {@link LoggedEvent}s out.
 * Nothing behind it is assumed to be a local file.
 */
public interface EventLog extends AutoCloseable {
    /** Appends one atomic batch; returns its events with their sequence numbers, timestamp and batch id. */
    List<LoggedEvent> append(List<StoreEvent> batch);

    /**
     * As {@link #append}, for bulk imports: a backend may encode the batch on several threads and
     * write it without publishing it on Axon's event bus (still one atomic, fsynced, chained batch).
     */
    default List<LoggedEvent> appendBulk(List<StoreEvent> batch) { return append(batch); }

    /** Committed events from {@code fromSeq} (inclusive) to the head, in order. Close the stream. */
    Stream<LoggedEvent> read(long fromSeq);

    /**
     * As {@link #read}, for a consumer that takes the whole log at once (a replay): a backend may
     * read ahead and decode on other threads. Close the stream.
     */
    default Stream<LoggedEvent> readBulk(long fromSeq) { return read(fromSeq); }

    /** Sequence number of the last committed event, -1 when empty. */
    long lastSequence();

    /** Checks the whole log: CRCs, sequence numbers, batches, the hash chain. */
    VerifyReport verify();

    LogStats stats();

    ChainPoint chainHead();

    /** Chain value (hex) after {@code seq}, or null when there is no such record. */
    String chainAt(long seq);

    @Override void close();
}
