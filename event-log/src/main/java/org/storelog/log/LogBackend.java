package org.storelog.log;

import org.axonframework.eventsourcing.eventstore.EventStorageEngine;

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

    VerifyReport verify();

    LogStats stats();

    ChainPoint chainHead();

    /** Chain value (hex) after the record {@code seq}, or null when there is no such record. */
    String chainAt(long seq);

    @Override void close();
}
