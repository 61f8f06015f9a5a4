package org.storelog.log.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.storelog.domain.event.StoreEvent;
import org.storelog.domain.event.StoreEvent.BuildFailed;
import org.storelog.domain.event.StoreEvent.BuildStarted;
import org.storelog.domain.event.StoreEvent.BuildSucceeded;
import org.storelog.domain.event.StoreEvent.DerivationOutputsDeclared;
import org.storelog.domain.event.StoreEvent.OutputComparison;
import org.storelog.domain.event.StoreEvent.RebuildCompared;

/**
 * Encodes the events that {@code audit build} and {@code audit rebuild} append with Jackson's
 * streaming generator, as {@link PathRegisteredWriter} does for {@code PathRegistered}: properties
 * in alphabetical order and map entries by key, as {@link EventCodec}'s data binding writes them, so
 * the same bytes ({@code BuildEventsWriterTest}). With these two, a build or a check appends events
 * without ever setting up data binding (Jackson's {@code ObjectMapper}: ~40 ms of class
 * initialization and bean introspection at every start).
 */
final class BuildEventsWriter {
    private final JsonFactory factory;

    BuildEventsWriter(JsonFactory factory) { this.factory = factory; }

    /** True for the event types this writer encodes. */
    static boolean handles(Class<?> type) {
        return type == BuildStarted.class || type == BuildSucceeded.class || type == BuildFailed.class
                || type == DerivationOutputsDeclared.class || type == RebuildCompared.class;
    }

    /** The payload of {@code e}, or null for an event type this writer does not handle. */
    byte[] write(StoreEvent e) {
        if (!handles(e.getClass())) return null;
        ByteArrayBuilder out = new ByteArrayBuilder(factory._getBufferRecycler(), 512);
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            switch (e) {
                case BuildStarted s -> {
                    string(g, "buildId", s.buildId());
                    string(g, "drvPath", s.drvPath());
                    string(g, "variation", s.variation());
                }
                case BuildSucceeded s -> {
                    string(g, "buildId", s.buildId());
                    string(g, "drvPath", s.drvPath());
                    g.writeNumberField("durationMillis", s.durationMillis());
                    strings(g, "outputs", s.outputs());
                }
                case BuildFailed f -> {
                    string(g, "buildId", f.buildId());
                    string(g, "drvPath", f.drvPath());
                    g.writeNumberField("durationMillis", f.durationMillis());
                    string(g, "reason", f.reason());
                }
                case DerivationOutputsDeclared d -> {
                    string(g, "drvPath", d.drvPath());
                    strings(g, "outputs", d.outputs());
                }
                case RebuildCompared r -> {
                    string(g, "drvPath", r.drvPath());
                    g.writeObjectFieldStart("outputs");
                    for (Map.Entry<String, OutputComparison> o : new TreeMap<>(r.outputs()).entrySet()) {
                        g.writeObjectFieldStart(o.getKey());
                        list(g, "differingFiles", o.getValue().differingFiles());
                        string(g, "path", o.getValue().path());
                        list(g, "rebuilt", o.getValue().rebuilt());
                        string(g, "recorded", o.getValue().recorded());
                        g.writeEndObject();
                    }
                    g.writeEndObject();
                    string(g, "reason", r.reason());
                    g.writeNumberField("rounds", r.rounds());
                    string(g, "variation", r.variation());
                    string(g, "verdict", r.verdict());
                }
                default -> throw new IllegalStateException(e.typeName()); // excluded above
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex); // a byte array does not fail
        }
        byte[] bytes = out.toByteArray();
        out.release();
        return bytes;
    }

    private static void string(JsonGenerator g, String name, String value) throws IOException {
        if (value == null) g.writeNullField(name);
        else g.writeStringField(name, value);
    }

    private static void strings(JsonGenerator g, String name, Map<String, String> values) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, String> v : new TreeMap<>(values).entrySet()) string(g, v.getKey(), v.getValue());
        g.writeEndObject();
    }

    private static void list(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            if (v == null) g.writeNull();
            else g.writeString(v);
        }
        g.writeEndArray();
    }
}
