package org.storelog.log.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.storelog.domain.event.StoreEvent;

/**
 * JSON payloads of {@link StoreEvent}s. The type name and revision travel beside the payload
 * (in the log record header), not inside it. The JSON is compact, with properties sorted by name
 * and map entries by key, so one event always serializes to the same bytes (the hash chain and
 * the golden files depend on that). Payloads of older revisions are upcast on read.
 */
public final class EventCodec {
    private final Map<String, Class<? extends StoreEvent>> classes = new HashMap<>();
    /**
     * Made at first use: each costs Jackson an introspection of the record (~5 ms of cold code), and
     * a command that appends a few events needs two or three of the twenty.
     */
    private final Map<String, ObjectReader> readers = new ConcurrentHashMap<>();
    private final Map<Class<?>, ObjectWriter> writers = new ConcurrentHashMap<>();
    /**
     * Data binding, set up at first use (see {@link #mapper()}): the streaming writers and reader
     * below need only the factory, and a build or a check never needs more.
     */
    private volatile ObjectMapper mapper;
    private final Upcasters upcasters;
    private final PathRegisteredReader fastPathRegistered;
    private final PathRegisteredWriter fastPathRegisteredWriter;
    private final BuildEventsWriter buildEventsWriter;
    private final int pathRegisteredRevision = StoreEvent.REVISIONS.get("PathRegistered");

    public EventCodec() { this(Upcasters.standard()); }

    @SuppressWarnings("unchecked")
    public EventCodec(Upcasters upcasters) {
        this.upcasters = upcasters;
        // the generator and parser settings are the factory's defaults, as data binding's own factory has
        JsonFactory factory = new JsonFactory();
        this.fastPathRegistered = new PathRegisteredReader(factory);
        this.fastPathRegisteredWriter = new PathRegisteredWriter(factory);
        this.buildEventsWriter = new BuildEventsWriter(factory);
        for (Class<?> c : StoreEvent.class.getPermittedSubclasses()) {
            String name = c.getSimpleName();
            if (!StoreEvent.REVISIONS.containsKey(name))
                throw new IllegalStateException("StoreEvent." + name + " has no entry in StoreEvent.REVISIONS");
            classes.put(name, (Class<? extends StoreEvent>) c);
        }
    }

    /** Current revision of a type. */
    public int revision(String type) {
        Integer r = StoreEvent.REVISIONS.get(type);
        if (r == null) throw new EventCodecException(type, 0, "unknown event type", null);
        return r;
    }

    /** The event's JSON payload; the most common event ({@code PathRegistered}) through the streaming generator. */
    public byte[] encode(StoreEvent event) {
        if (event instanceof StoreEvent.PathRegistered r) return fastPathRegisteredWriter.write(r);
        byte[] streamed = buildEventsWriter.write(event);
        return streamed != null ? streamed : encodeBound(event);
    }

    /** {@link #encode} through Jackson data binding only. */
    byte[] encodeBound(StoreEvent event) {
        try {
            return writers.computeIfAbsent(event.getClass(), t -> mapper().writerFor(t)).writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new EventCodecException(event.typeName(), revision(event.typeName()), e.getOriginalMessage(), e);
        }
    }

    public StoreEvent decode(String type, int revision, byte[] payload) {
        return decode(type, revision, payload, 0, payload.length);
    }

    /**
     * Decodes a payload of the given type and revision, upcasting older revisions. The most common
     * event (a current {@code PathRegistered}) is read with the streaming parser when its payload has
     * the usual shape ({@link PathRegisteredReader}); everything else goes through data binding.
     */
    public StoreEvent decode(String type, int revision, byte[] buf, int off, int len) {
        if (revision == pathRegisteredRevision && type.equals("PathRegistered")) {
            StoreEvent e = fastPathRegistered.read(buf, off, len);
            if (e != null) return e;
        }
        return decodeBound(type, revision, buf, off, len);
    }

    /** {@link #decode} through Jackson data binding only. */
    StoreEvent decodeBound(String type, int revision, byte[] buf, int off, int len) {
        Class<? extends StoreEvent> c = classes.get(type);
        if (c == null) throw new EventCodecException(type, revision, "unknown event type", null);
        ObjectReader reader = readers.computeIfAbsent(type, t -> mapper().readerFor(c));
        int current = StoreEvent.REVISIONS.get(type);
        if (revision > current)
            throw new EventCodecException(type, revision, "revision is newer than this program knows (" + current + ")", null);
        try {
            if (revision == current) return reader.readValue(buf, off, len);
            JsonNode tree = mapper().readTree(buf, off, len);
            if (!(tree instanceof ObjectNode obj))
                throw new EventCodecException(type, revision, "payload is not a JSON object", null);
            return reader.treeToValue(upcasters.upcast(type, revision, current, obj), classes.get(type));
        } catch (IOException e) {
            String msg = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new EventCodecException(type, revision, "malformed payload: " + msg, e);
        }
    }

    /** The upcast JSON tree of a payload (for tests and tools). */
    public ObjectNode upcastTree(String type, int revision, byte[] payload) throws IOException {
        return upcasters.upcast(type, revision, revision(type), (ObjectNode) mapper().readTree(payload));
    }

    /** Jackson's data binding with the settings above, made at the first call. */
    public ObjectMapper mapper() {
        ObjectMapper m = mapper;
        if (m == null) {
            synchronized (this) {
                m = mapper;
                if (m == null) {
                    m = JsonMapper.builder()
                            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                            .build();
                    mapper = m;
                }
            }
        }
        return m;
    }
}
