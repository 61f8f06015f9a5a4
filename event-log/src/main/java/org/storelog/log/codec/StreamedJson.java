package org.storelog.log.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** What the streaming event writers share: one JSON object into a byte array, and nullable fields. */
final class StreamedJson {
    private StreamedJson() {}

    /** The body of one object, written between its braces. */
    interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    static byte[] object(JsonFactory factory, int sizeHint, Fields fields) {
        ByteArrayBuilder out = new ByteArrayBuilder(factory._getBufferRecycler(), sizeHint);
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex); // a byte array does not fail
        }
        byte[] bytes = out.toByteArray();
        out.release();
        return bytes;
    }

    /** A string field, {@code null} as JSON null (data binding's default inclusion). */
    static void string(JsonGenerator g, String name, String value) throws IOException {
        if (value == null) g.writeNullField(name);
        else g.writeStringField(name, value);
    }

    /** An array field of strings (nulls in it as JSON null). */
    static void strings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            if (v == null) g.writeNull();
            else g.writeString(v);
        }
        g.writeEndArray();
    }
}
