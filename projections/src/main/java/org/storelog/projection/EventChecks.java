package org.storelog.projection;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;
import org.storelog.domain.event.StoreEvent.*;

/**
 * What an event must satisfy before any projection folds it. Both backends call the same checks,
 * so a batch that one rejects the other rejects too (and neither changes).
 */
final class EventChecks {
    /** Longest path, root name or output name, in UTF-8 bytes; keeps LMDB keys under 511 bytes. */
    static final int MAX_NAME_BYTES = 400;

    private EventChecks() {}

    static void check(LoggedEvent e) {
        if (e == null) throw new ProjectionException("null event in batch", -1);
        long seq = e.sequence();
        if (seq < 0) throw new ProjectionException("negative sequence number " + seq, seq);
        StoreEvent ev = e.event();
        if (ev == null) throw new ProjectionException("event has no payload", seq);
        switch (ev) {
            case PathRegistered r -> {
                path(r.path(), "path", seq);
                r.references().forEach(p -> path(p, "reference", seq));
            }
            case ReferenceAdded r -> {
                path(r.path(), "path", seq);
                path(r.reference(), "reference", seq);
            }
            case DerivationOutputsDeclared d -> {
                path(d.drvPath(), "drvPath", seq);
                for (Map.Entry<String, String> o : d.outputs().entrySet()) {
                    name(o.getKey(), "output name", seq);
                    path(o.getValue(), "output path", seq);
                }
            }
            case BuildSucceeded b -> path(b.drvPath(), "drvPath", seq);
            case BuildFailed b -> path(b.drvPath(), "drvPath", seq);
            case RebuildCompared c -> {
                path(c.drvPath(), "drvPath", seq);
                c.outputs().forEach((n, o) -> path(o.path(), "output " + n + " path", seq));
            }
            case RootAdded r -> { name(r.name(), "root name", seq); path(r.path(), "root path", seq); }
            case RootRemoved r -> name(r.name(), "root name", seq);
            default -> { }
        }
        for (String s : ev.subjects()) path(s, "subject", seq);
    }

    private static void path(String p, String what, long seq) {
        if (p == null) throw new ProjectionException(what + " is missing", seq);
        if (!p.startsWith("/")) throw new ProjectionException(what + " '" + p + "' is not an absolute path", seq);
        name(p, what, seq);
    }

    private static void name(String s, String what, long seq) {
        if (s == null || s.isEmpty()) throw new ProjectionException(what + " is empty", seq);
        if (s.length() * 3 > MAX_NAME_BYTES && s.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES)
            throw new ProjectionException(what + " is longer than " + MAX_NAME_BYTES + " bytes", seq);
    }
}
