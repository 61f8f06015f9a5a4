package org.storelog.log;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;

class AxonEventLogTest {
    @TempDir Path tmp;

    static StoreEvent root(int i) { return new StoreEvent.RootAdded("r" + i, "/nix/store/aaaa-p" + i); }

    @Test
    void append_returnsTheBatchWithSequenceNumbersOneBatchIdAndOneTimestamp() {
        try (EventLog log = EventLogs.openEmbedded(tmp.resolve("log"))) {
            assertEquals(-1, log.lastSequence());
            List<LoggedEvent> a = log.append(List.of(root(0), root(1)));
            List<LoggedEvent> b = log.append(List.of(root(2)));
            assertEquals(List.of(0L, 1L), a.stream().map(LoggedEvent::sequence).toList());
            assertEquals(2L, b.get(0).sequence());
            assertEquals(a.get(0).batchId(), a.get(1).batchId());
            assertNotEquals(a.get(0).batchId(), b.get(0).batchId());
            assertEquals(2, log.lastSequence());
            try (Stream<LoggedEvent> s = log.read(0)) {
                assertEquals(List.of(a.get(0), a.get(1), b.get(0)), s.toList());
            }
            try (Stream<LoggedEvent> s = log.read(2)) {
                assertEquals(b, s.toList());
            }
            assertEquals(List.of(), log.append(List.of()));
        }
    }

    @Test
    void stats_countEventsBatchesTypesAndTimes() {
        try (EventLog log = EventLogs.openEmbedded(tmp.resolve("log"))) {
            log.append(EventSamples.all());
            List<LoggedEvent> last = log.append(List.of(root(1), root(2)));
            LogStats st = log.stats();
            assertEquals(EventSamples.all().size() + 2, st.events());
            assertEquals(2, st.batches());
            assertEquals(1, st.segments());
            assertEquals(3L, st.perType().get("RootAdded"));
            assertEquals(1L, st.perType().get("PathRegistered"));
            assertEquals(last.get(1).timestamp(), st.lastTimestamp());
            assertTrue(st.firstTimestamp() <= st.lastTimestamp());
            assertTrue(st.bytes() > 0);
        }
    }

    @Test
    void readOnlyLog_readsWhileTheWriterHoldsTheLock() {
        try (EventLog writer = EventLogs.openEmbedded(tmp.resolve("log"))) {
            List<LoggedEvent> a = writer.append(List.of(root(0)));
            try (EventLog reader = EventLogs.openEmbeddedReadOnly(tmp.resolve("log"));
                 Stream<LoggedEvent> s = reader.read(0)) {
                assertEquals(a, s.toList());
                assertThrows(LogException.NotWritableException.class, () -> reader.append(List.of(root(1))));
            }
        }
    }

    @Test
    void trackingStreamOfTheEmbeddedEventStore_deliversAppendedBatches() throws Exception {
        try (AxonEventLog log = (AxonEventLog) EventLogs.openEmbedded(tmp.resolve("log"))) {
            log.append(List.of(root(0), root(1)));
            try (var stream = log.eventStore().openStream(null)) {
                assertTrue(stream.hasNextAvailable(10, TimeUnit.SECONDS));
                assertEquals(root(0), stream.nextAvailable().getPayload());
                assertTrue(stream.hasNextAvailable(10, TimeUnit.SECONDS));
                assertEquals(root(1), stream.nextAvailable().getPayload());
            }
        }
    }

    /** The API is not tied to files: the same EventLog runs on Axon's in-memory engine. */
    @Test
    void eventLogOnAnotherBackend_readsThroughAxonsTrackedStream() {
        InMemoryEventStorageEngine mem = new InMemoryEventStorageEngine();
        ThreadLocal<Long> first = new ThreadLocal<>();
        LogBackend backend = new LogBackend() {
            public org.axonframework.eventsourcing.eventstore.EventStorageEngine engine() {
                return new org.axonframework.eventsourcing.eventstore.EventStorageEngine() {
                    public void appendEvents(List<? extends org.axonframework.eventhandling.EventMessage<?>> events) {
                        first.set(lastSequence() + 1);
                        mem.appendEvents(events);
                    }
                    public void storeSnapshot(org.axonframework.eventhandling.DomainEventMessage<?> s) { mem.storeSnapshot(s); }
                    public Stream<? extends org.axonframework.eventhandling.TrackedEventMessage<?>> readEvents(
                            org.axonframework.eventhandling.TrackingToken t, boolean b) { return mem.readEvents(t, b); }
                    public org.axonframework.eventsourcing.eventstore.DomainEventStream readEvents(String id, long seq) {
                        return mem.readEvents(id, seq);
                    }
                    public java.util.Optional<org.axonframework.eventhandling.DomainEventMessage<?>> readSnapshot(String id) {
                        return mem.readSnapshot(id);
                    }
                };
            }
            public long lastAppendedFirstSequence() { return first.get(); }
            public long lastSequence() {
                var head = mem.createHeadToken();
                return head == null ? -1 : ((org.axonframework.eventhandling.GlobalSequenceTrackingToken) head).getGlobalIndex();
            }
            public VerifyReport verify() { throw new UnsupportedOperationException(); }
            public LogStats stats() { throw new UnsupportedOperationException(); }
            public ChainPoint chainHead() { throw new UnsupportedOperationException(); }
            public String chainAt(long seq) { throw new UnsupportedOperationException(); }
            public void close() {}
        };
        try (EventLog log = new AxonEventLog(backend)) {
            List<LoggedEvent> a = log.append(List.of(root(0), root(1)));
            List<LoggedEvent> b = log.append(List.of(root(2)));
            try (Stream<LoggedEvent> s = log.read(1)) {
                assertEquals(List.of(a.get(1), b.get(0)), s.toList());
            }
        }
    }
}
