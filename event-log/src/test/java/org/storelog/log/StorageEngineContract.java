package org.storelog.log;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.storelog.domain.event.StoreEvent;

/**
 * What every storage engine behind the log must do (Axon's {@code StorageEngineTestSuite} is the
 * model): one suite, run against Axon's in-memory engine and against ours.
 */
public abstract class StorageEngineContract<E extends EventStorageEngine> {
    protected E engine;

    protected abstract E createEngine() throws Exception;

    protected void closeEngine(E engine) throws Exception {}

    @BeforeEach void open() throws Exception { engine = createEngine(); }

    @AfterEach void close() throws Exception { closeEngine(engine); }

    static List<EventMessage<?>> batch(String batchId, StoreEvent... events) {
        List<EventMessage<?>> l = new ArrayList<>();
        Instant ts = Instant.ofEpochMilli(1_700_000_000_000L);
        for (StoreEvent e : events) l.add(new GenericEventMessage<>(java.util.UUID.randomUUID().toString(), e,
                MetaData.with(AxonEventLog.BATCH_ID, batchId), ts));
        return l;
    }

    static StoreEvent root(int i) { return new StoreEvent.RootAdded("r" + i, "/nix/store/aaaa-p" + i); }

    List<TrackedEventMessage<?>> readAll(TrackingToken from) {
        try (Stream<? extends TrackedEventMessage<?>> s = engine.readEvents(from, false)) {
            return s.collect(Collectors.toList());
        }
    }

    static long index(TrackedEventMessage<?> m) { return ((GlobalSequenceTrackingToken) m.trackingToken()).getGlobalIndex(); }

    @Test
    void emptyEngine_readsNothing() {
        assertEquals(List.of(), readAll(null));
        assertNull(engine.createHeadToken());
    }

    @Test
    void appendedEvents_readBackInOrderWithPayloadsAndBatchIds() {
        engine.appendEvents(batch("b1", root(0), root(1)));
        engine.appendEvents(batch("b2", root(2)));
        List<TrackedEventMessage<?>> all = readAll(null);
        assertEquals(List.of(root(0), root(1), root(2)), all.stream().map(EventMessage::getPayload).toList());
        assertEquals(List.of("b1", "b1", "b2"), all.stream().map(m -> m.getMetaData().get(AxonEventLog.BATCH_ID)).toList());
        assertEquals(Instant.ofEpochMilli(1_700_000_000_000L), all.get(2).getTimestamp());
    }

    @Test
    void tokens_areGlobalSequenceTokensFromZeroWithoutGaps() {
        engine.appendEvents(batch("b1", root(0), root(1), root(2)));
        engine.appendEvents(batch("b2", root(3)));
        engine.appendEvents(batch("b3", root(4), root(5)));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), readAll(null).stream().map(StorageEngineContract::index).toList());
    }

    @Test
    void readingFromAToken_returnsOnlyLaterEvents() {
        engine.appendEvents(batch("b1", root(0), root(1), root(2), root(3)));
        List<TrackedEventMessage<?>> after = readAll(new GlobalSequenceTrackingToken(1));
        assertEquals(List.of(root(2), root(3)), after.stream().map(EventMessage::getPayload).toList());
        assertEquals(List.of(), readAll(new GlobalSequenceTrackingToken(3)));
    }

    @Test
    void tailAndHeadTokens_boundTheLog() {
        engine.appendEvents(batch("b1", root(0), root(1), root(2)));
        assertEquals(3, readAll(engine.createTailToken()).size());
        assertEquals(new GlobalSequenceTrackingToken(2), engine.createHeadToken());
        assertEquals(List.of(), readAll(engine.createHeadToken()));
    }

    @Test
    void tokenAtInstant_startsAtTheFirstEventNotBeforeIt() {
        engine.appendEvents(List.of(new GenericEventMessage<>("a", root(0), MetaData.emptyInstance(), Instant.ofEpochMilli(1000))));
        engine.appendEvents(List.of(new GenericEventMessage<>("b", root(1), MetaData.emptyInstance(), Instant.ofEpochMilli(2000))));
        engine.appendEvents(List.of(new GenericEventMessage<>("c", root(2), MetaData.emptyInstance(), Instant.ofEpochMilli(3000))));
        List<TrackedEventMessage<?>> from = readAll(engine.createTokenAt(Instant.ofEpochMilli(1500)));
        assertEquals(List.of(root(1), root(2)), from.stream().map(EventMessage::getPayload).toList());
    }

    @Test
    void everyEventType_roundTripsThroughTheEngine() {
        List<StoreEvent> all = EventSamples.all();
        engine.appendEvents(batch("all", all.toArray(StoreEvent[]::new)));
        assertEquals(all, readAll(null).stream().map(EventMessage::getPayload).toList());
    }

    @Test
    void embeddedEventStore_publishesOneBatchAndStreamsIt() throws Exception {
        EmbeddedEventStore store = EmbeddedEventStore.builder().storageEngine(engine).build();
        try {
            store.publish(batch("b1", root(0), root(1)));
            var stream = store.openStream(null);
            List<Object> seen = new ArrayList<>();
            while (seen.size() < 2 && stream.hasNextAvailable(10, java.util.concurrent.TimeUnit.SECONDS))
                seen.add(stream.nextAvailable().getPayload());
            stream.close();
            assertEquals(List.of(root(0), root(1)), seen);
        } finally {
            store.shutDown();
        }
    }
}
