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

    /** Committed events from {@code fromSeq} (inclusive) to the head, in order. Close the stream. */
    Stream<LoggedEvent> read(long fromSeq);

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
