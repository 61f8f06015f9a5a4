package org.storelog.log.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.storelog.domain.event.StoreEvent.Origin;
import org.storelog.domain.event.StoreEvent.PathRegistered;

/**
 * Decodes the common shape of a current-revision {@code PathRegistered} payload with Jackson's
 * streaming parser (no data binding): one JSON object holding each of the nine properties exactly
 * once, strings or null where strings go, integers for the numbers, arrays of strings for the
 * lists. Anything else (a missing, repeated or unknown property, another token type, a bad origin)
 * answers null, and the caller decodes the payload with data binding, which then gives the value or
 * the error it always gave.
 */
final class PathRegisteredReader {
    private static final Origin[] ORIGINS = Origin.values();
    private final JsonFactory factory;

    PathRegisteredReader(JsonFactory factory) { this.factory = factory; }

    /** The event, or null when the payload is not in the simple shape (or not valid JSON). */
    PathRegistered read(byte[] buf, int off, int len) {
        try (JsonParser p = factory.createParser(buf, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            String path = null, narHash = null, deriver = null, ca = null;
            List<String> references = null, signatures = null;
            long narSize = 0, registrationTime = 0;
            Origin origin = null;
            int seen = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t != JsonToken.FIELD_NAME) return null;
                String name = p.currentName();
                JsonToken v = p.nextToken();
                int bit;
                switch (name) {
                    case "path" -> { bit = 1; if ((path = string(p, v)) == null) return null; }
                    case "narHash" -> { bit = 2; if ((narHash = string(p, v)) == null) return null; }
                    case "narSize" -> { bit = 4; if (v != JsonToken.VALUE_NUMBER_INT) return null; narSize = p.getLongValue(); }
                    case "references" -> { bit = 8; if ((references = strings(p, v)) == null) return null; }
                    case "deriver" -> { bit = 16; if (v != JsonToken.VALUE_NULL && (deriver = string(p, v)) == null) return null; }
                    case "ca" -> { bit = 32; if (v != JsonToken.VALUE_NULL && (ca = string(p, v)) == null) return null; }
                    case "signatures" -> { bit = 64; if ((signatures = strings(p, v)) == null) return null; }
                    case "registrationTime" -> {
                        bit = 128;
                        if (v != JsonToken.VALUE_NUMBER_INT) return null;
                        registrationTime = p.getLongValue();
                    }
                    case "origin" -> { bit = 256; if ((origin = origin(p, v)) == null) return null; }
                    default -> { return null; }
                }
                if ((seen & bit) != 0) return null;
                seen |= bit;
            }
            if (seen != 511) return null;
            // Hash the paths here (a decoding thread): the String keeps it, and the fold looks them up.
            path.hashCode();
            for (String r : references) r.hashCode();
            return new PathRegistered(path, narHash, narSize, references, deriver, ca, signatures, registrationTime, origin);
        } catch (IOException | RuntimeException e) {
            return null; // data binding decides, and words the error
        }
    }

    private static String string(JsonParser p, JsonToken v) throws IOException {
        return v == JsonToken.VALUE_STRING ? p.getText() : null;
    }

    private static List<String> strings(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_ARRAY) return null;
        List<String> out = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.VALUE_STRING) return null;
            out.add(p.getText());
        }
        return out;
    }

    private static Origin origin(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.VALUE_STRING) return null;
        String s = p.getText();
        for (Origin o : ORIGINS) if (o.name().equals(s)) return o;
        return null;
    }
}
