package org.storelog.log;

import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;

/** The contract holds for Axon's own in-memory engine: the suite tests Axon's semantics, not ours. */
class InMemoryEngineContractTest extends StorageEngineContract<InMemoryEventStorageEngine> {
    @Override protected InMemoryEventStorageEngine createEngine() { return new InMemoryEventStorageEngine(); }
}
