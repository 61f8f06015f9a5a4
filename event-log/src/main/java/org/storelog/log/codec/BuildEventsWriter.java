package org.storelog.log.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
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
        return StreamedJson.object(factory, 512, g -> {
            switch (e) {
                case BuildStarted s -> {
                    StreamedJson.string(g, "buildId", s.buildId());
                    StreamedJson.string(g, "drvPath", s.drvPath());
                    StreamedJson.string(g, "variation", s.variation());
                }
                case BuildSucceeded s -> {
                    StreamedJson.string(g, "buildId", s.buildId());
                    StreamedJson.string(g, "drvPath", s.drvPath());
                    g.writeNumberField("durationMillis", s.durationMillis());
                    stringMap(g, "outputs", s.outputs());
                }
                case BuildFailed f -> {
                    StreamedJson.string(g, "buildId", f.buildId());
                    StreamedJson.string(g, "drvPath", f.drvPath());
                    g.writeNumberField("durationMillis", f.durationMillis());
                    StreamedJson.string(g, "reason", f.reason());
                }
                case DerivationOutputsDeclared d -> {
                    StreamedJson.string(g, "drvPath", d.drvPath());
                    stringMap(g, "outputs", d.outputs());
                }
                case RebuildCompared r -> {
                    StreamedJson.string(g, "drvPath", r.drvPath());
                    g.writeObjectFieldStart("outputs");
                    for (Map.Entry<String, OutputComparison> o : new TreeMap<>(r.outputs()).entrySet()) {
                        g.writeObjectFieldStart(o.getKey());
                        StreamedJson.strings(g, "differingFiles", o.getValue().differingFiles());
                        StreamedJson.string(g, "path", o.getValue().path());
                        StreamedJson.strings(g, "rebuilt", o.getValue().rebuilt());
                        StreamedJson.string(g, "recorded", o.getValue().recorded());
                        g.writeEndObject();
                    }
                    g.writeEndObject();
                    StreamedJson.string(g, "reason", r.reason());
                    g.writeNumberField("rounds", r.rounds());
                    StreamedJson.string(g, "variation", r.variation());
                    StreamedJson.string(g, "verdict", r.verdict());
                }
                default -> throw new IllegalStateException(e.typeName()); // excluded above
            }
        });
    }

    private static void stringMap(JsonGenerator g, String name, Map<String, String> values) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, String> v : new TreeMap<>(values).entrySet()) StreamedJson.string(g, v.getKey(), v.getValue());
        g.writeEndObject();
    }
}
