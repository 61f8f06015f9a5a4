package org.storelog.log.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.storelog.domain.event.StoreEvent;

/** The upcasters of every revision bump, keyed by type and source revision. */
public final class Upcasters {
    private final Map<String, Upcaster> byKey = new HashMap<>();

    public Upcasters(List<Upcaster> upcasters) {
        for (Upcaster u : upcasters) {
            if (byKey.put(key(u.type(), u.fromRevision()), u) != null)
                throw new IllegalArgumentException("two upcasters for " + u.type() + " revision " + u.fromRevision());
        }
    }

    /** The upcasters storelog ships. */
    public static Upcasters standard() {
        return new Upcasters(List.of(new PathRegisteredR1ToR2()));
    }

    /** Upcasts {@code payload} from {@code revision} to {@code target}, or fails naming the missing step. */
    public ObjectNode upcast(String type, int revision, int target, ObjectNode payload) {
        ObjectNode node = payload;
        for (int r = revision; r < target; r++) {
            Upcaster u = byKey.get(key(type, r));
            if (u == null) throw new EventCodecException(type, revision, "no upcaster from revision " + r + " to " + (r + 1), null);
            node = u.upcast(node);
        }
        return node;
    }

    private static String key(String type, int revision) { return type + "#" + revision; }

    /** PathRegistered revision 1 had no {@code origin}: everything then came from a store import. */
    static final class PathRegisteredR1ToR2 implements Upcaster {
        public String type() { return "PathRegistered"; }
        public int fromRevision() { return 1; }
        public ObjectNode upcast(ObjectNode payload) {
            if (!payload.has("origin")) payload.put("origin", StoreEvent.Origin.IMPORTED.name());
            return payload;
        }
    }
}
