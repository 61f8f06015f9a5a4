package org.storelog.log.segment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.MetaData;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;
import org.storelog.log.AxonEventLog;
import org.storelog.log.ChainPoint;
import org.storelog.log.LogBackend;
import org.storelog.log.LogStats;
import org.storelog.log.VerifyReport;
import org.storelog.log.codec.EventCodec;

/**
 * Axon {@link EventStorageEngine} on a {@link SegmentLog}. Each {@code appendEvents} call is one
 * atomic batch; payloads must be {@link StoreEvent}s and are stored as JSON by {@link EventCodec}.
 * Tracking tokens are {@link GlobalSequenceTrackingToken}s whose index is the sequence number.
 * storelog has no aggregates: domain event streams and snapshots are empty.
 */
public final class SegmentEventStorageEngine implements EventStorageEngine, LogBackend {
    private final SegmentLog log;
    private final EventCodec codec;
    private final ThreadLocal<Long> lastFirst = ThreadLocal.withInitial(() -> -1L);

    public SegmentEventStorageEngine(SegmentLog log, EventCodec codec) {
        this.log = log;
        this.codec = codec;
    }

    public SegmentLog segmentLog() { return log; }

    @Override
    public void appendEvents(List<? extends EventMessage<?>> events) {
        if (events.isEmpty()) return;
        Object id = events.get(0).getMetaData().get(AxonEventLog.BATCH_ID);
        String batchId = id == null ? UUID.randomUUID().toString() : id.toString();
        List<SegmentLog.Pending> pending = new ArrayList<>(events.size());
        for (EventMessage<?> m : events) {
            if (!(m.getPayload() instanceof StoreEvent e))
                throw new IllegalArgumentException("the storelog log stores StoreEvent payloads, not "
                        + m.getPayloadType().getName());
            String type = e.typeName();
            pending.add(new SegmentLog.Pending(m.getTimestamp().toEpochMilli(), type, codec.revision(type), codec.encode(e)));
        }
        lastFirst.set(log.append(batchId, pending));
    }

    @Override
    public Stream<? extends TrackedEventMessage<?>> readEvents(TrackingToken token, boolean mayBlock) {
        long from = token == null ? 0 : ((GlobalSequenceTrackingToken) token).getGlobalIndex() + 1;
        return log.read(from, this::message);
    }

    private TrackedEventMessage<?> message(long seq, long ts, String batchId, String type, int revision,
                                           byte[] buf, int off, int len) {
        StoreEvent e = codec.decode(type, revision, buf, off, len);
        var m = new GenericEventMessage<>("storelog-" + seq, e, MetaData.with(AxonEventLog.BATCH_ID, batchId),
                Instant.ofEpochMilli(ts));
        return new GenericTrackedEventMessage<>(new GlobalSequenceTrackingToken(seq), m);
    }

    @Override public void storeSnapshot(DomainEventMessage<?> snapshot) {
        throw new UnsupportedOperationException("storelog's log has no aggregates and keeps no snapshots");
    }

    @Override public DomainEventStream readEvents(String aggregateIdentifier, long firstSequenceNumber) {
        return DomainEventStream.empty();
    }

    @Override public Optional<DomainEventMessage<?>> readSnapshot(String aggregateIdentifier) { return Optional.empty(); }

    @Override public TrackingToken createTailToken() {
        return log.lastSequence() < 0 ? null : new GlobalSequenceTrackingToken(-1);
    }

    @Override public TrackingToken createHeadToken() {
        long last = log.lastSequence();
        return last < 0 ? null : new GlobalSequenceTrackingToken(last);
    }

    /** Token just before the first event at or after {@code instant}; the head token if there is none. */
    @Override public TrackingToken createTokenAt(Instant instant) {
        long at = instant.toEpochMilli();
        try (Stream<Long> seqs = log.read(0, (seq, ts, b, t, r, buf, off, len) -> ts >= at ? seq : -1L)) {
            return seqs.filter(s -> s >= 0).findFirst()
                    .<TrackingToken>map(s -> new GlobalSequenceTrackingToken(s - 1))
                    .orElseGet(this::createHeadToken);
        }
    }

    /** Decodes records straight into {@link LoggedEvent}s, without Axon message objects. */
    @Override public Stream<LoggedEvent> read(long fromSeq) {
        return log.read(fromSeq, (seq, ts, batchId, type, revision, buf, off, len) ->
                new LoggedEvent(seq, ts, batchId, codec.decode(type, revision, buf, off, len)));
    }

    /** Encodes the batch's payloads in parallel, then appends it as one batch. */
    @Override public long appendDirect(String batchId, long timestamp, List<StoreEvent> batch) {
        if (batch.isEmpty()) throw new IllegalArgumentException("empty batch");
        SegmentLog.Pending[] pending = new SegmentLog.Pending[batch.size()];
        java.util.stream.IntStream.range(0, pending.length).parallel().forEach(i -> {
            StoreEvent e = batch.get(i);
            String type = e.typeName();
            pending[i] = new SegmentLog.Pending(timestamp, type, codec.revision(type), codec.encode(e));
        });
        return log.append(batchId, java.util.Arrays.asList(pending));
    }

    /** Reads and checks records on one thread, decodes them on as many threads as there are cores. */
    @Override public Stream<LoggedEvent> readBulk(long fromSeq) {
        return DecodingPipeline.stream(log, fromSeq, codec, Runtime.getRuntime().availableProcessors());
    }

    @Override public EventStorageEngine engine() { return this; }
    @Override public long lastAppendedFirstSequence() { return lastFirst.get(); }
    @Override public long lastSequence() { return log.lastSequence(); }
    @Override public VerifyReport verify() { return log.verify(); }
    @Override public LogStats stats() { return log.stats(); }
    @Override public ChainPoint chainHead() { return log.chainHead(); }
    @Override public String chainAt(long seq) { return log.chainAt(seq); }
    @Override public void close() { log.close(); }
}
