package org.storelog.log;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;

/**
 * {@link EventLog} over Axon: batches are published through an {@link EmbeddedEventStore}
 * (one {@code publish} call = one atomic {@code appendEvents} on the engine), and read back
 * through the backend (Axon's tracked stream unless the backend decodes directly). The batch id travels as the {@value #BATCH_ID} metadata.
 */
public final class AxonEventLog implements EventLog {
    public static final String BATCH_ID = "batchId";

    private final LogBackend backend;
    private final EmbeddedEventStore store;

    public AxonEventLog(LogBackend backend) {
        this.backend = backend;
        this.store = EmbeddedEventStore.builder().storageEngine(backend.engine()).build();
    }

    public EmbeddedEventStore eventStore() { return store; }

    public LogBackend backend() { return backend; }

    @Override
    public List<LoggedEvent> append(List<StoreEvent> batch) {
        if (batch.isEmpty()) return List.of();
        if (CurrentUnitOfWork.isStarted())
            throw new IllegalStateException("EventLog.append inside an Axon unit of work would defer the batch to its commit;"
                    + " publish through eventStore() there instead");
        String batchId = UUID.randomUUID().toString();
        Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
        MetaData meta = MetaData.with(BATCH_ID, batchId);
        List<EventMessage<?>> messages = new ArrayList<>(batch.size());
        for (StoreEvent e : batch)
            messages.add(new GenericEventMessage<>(UUID.randomUUID().toString(), e, meta, now));
        store.publish(messages);
        long first = backend.lastAppendedFirstSequence();
        List<LoggedEvent> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++)
            out.add(new LoggedEvent(first + i, now.toEpochMilli(), batchId, batch.get(i)));
        return out;
    }

    @Override
    public List<LoggedEvent> appendBulk(List<StoreEvent> batch) {
        if (batch.isEmpty()) return List.of();
        String batchId = UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        long first = backend.appendDirect(batchId, now, batch);
        if (first < 0) return append(batch);
        List<LoggedEvent> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) out.add(new LoggedEvent(first + i, now, batchId, batch.get(i)));
        return out;
    }

    /** Reads through the backend: Axon's tracked stream, or the backend's direct decoding. */
    @Override
    public Stream<LoggedEvent> read(long fromSeq) { return backend.read(fromSeq); }

    @Override
    public Stream<LoggedEvent> readBulk(long fromSeq) { return backend.readBulk(fromSeq); }

    @Override public long lastSequence() { return backend.lastSequence(); }
    @Override public VerifyReport verify() { return backend.verify(); }
    @Override public LogStats stats() { return backend.stats(); }
    @Override public ChainPoint chainHead() { return backend.chainHead(); }
    @Override public String chainAt(long seq) { return backend.chainAt(seq); }

    @Override
    public void close() {
        store.shutDown();
        backend.close();
    }
}
