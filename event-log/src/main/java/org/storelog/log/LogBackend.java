package org.storelog.log;

import java.util.List;
import java.util.stream.Stream;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;

/**
 * A storage backend of the log: an Axon {@link EventStorageEngine} plus what the log needs
 * beyond Axon's contract (integrity and size). The embedded segment engine is one; a JDBC
 * engine can be another. Tracking tokens are {@code GlobalSequenceTrackingToken}s whose index
 * is the event's sequence number.
 */
public interface LogBackend extends AutoCloseable {
    EventStorageEngine engine();

    /** First sequence number given to the last batch this thread appended through {@link #engine()}. */
    long lastAppendedFirstSequence();

    long lastSequence();

    /**
     * Committed events from {@code fromSeq} on. The default goes through Axon's tracked stream;
     * a backend may decode straight into {@link LoggedEvent}s (the projection rebuild path).
     */
    default Stream<LoggedEvent> read(long fromSeq) {
        TrackingToken token = fromSeq <= 0 ? null : new GlobalSequenceTrackingToken(fromSeq - 1);
        return engine().readEvents(token, false).map(m -> {
            long seq = ((GlobalSequenceTrackingToken) m.trackingToken()).getGlobalIndex();
            Object batchId = m.getMetaData().get(AxonEventLog.BATCH_ID);
            return new LoggedEvent(seq, m.getTimestamp().toEpochMilli(), batchId == null ? "" : batchId.toString(),
                    (StoreEvent) m.getPayload());
        });
    }

    /**
     * Appends one atomic batch directly, not through {@link #engine()}'s Axon event store (bulk
     * imports); returns its first sequence number, or -1 when this backend appends only through Axon.
     */
    default long appendDirect(String batchId, long timestamp, List<StoreEvent> batch) { return -1; }

    /** As {@link #read}, reading ahead and decoding on other threads where the backend can. */
    default Stream<LoggedEvent> readBulk(long fromSeq) { return read(fromSeq); }

    VerifyReport verify();

    LogStats stats();

    ChainPoint chainHead();

    /** Chain value (hex) after the record {@code seq}, or null when there is no such record. */
    String chainAt(long seq);

    @Override void close();
}
