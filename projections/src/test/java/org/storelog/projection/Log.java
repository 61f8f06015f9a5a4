package org.storelog.projection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;
import org.storelog.domain.event.StoreEvent.*;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.hash.NixBase32;

/** Test helper: builds a log of events with consecutive sequence numbers from 0. */
final class Log {
    final List<LoggedEvent> events = new ArrayList<>();

    /** A realistic store path: {@code /nix/store/<nix32 of 20 bytes of sha256(name)>-name}. */
    static String path(String name) {
        byte[] h = Arrays.copyOf(Hash.sha256(name.getBytes(StandardCharsets.UTF_8)).bytes(), 20);
        return "/nix/store/" + NixBase32.encode(h) + "-" + name;
    }

    static String narHash(String seed) {
        return Hash.sha256(seed.getBytes(StandardCharsets.UTF_8)).toPrefixedNix32();
    }

    LoggedEvent add(StoreEvent e) {
        long seq = events.size();
        LoggedEvent le = new LoggedEvent(seq, 1_700_000_000_000L + seq, "batch-" + seq, e);
        events.add(le);
        return le;
    }

    LoggedEvent register(String path, String... refs) {
        return add(new PathRegistered(path, narHash(path), 1000 + path.length(), List.of(refs), null, null,
                List.of(), 1_700_000_000L, Origin.ADDED));
    }

    LoggedEvent registerFull(String path, String deriver, String ca, List<String> sigs, Origin origin, String... refs) {
        return add(new PathRegistered(path, narHash(path + "!"), 4242, List.of(refs), deriver, ca, sigs,
                1_700_000_123L, origin));
    }

    LoggedEvent delete(String path) { return add(new PathDeleted(path, "sweep-1", "gc", 1)); }

    LoggedEvent reference(String path, String ref) { return add(new ReferenceAdded(path, ref)); }

    LoggedEvent outputs(String drv, Map<String, String> outs) { return add(new DerivationOutputsDeclared(drv, outs)); }

    LoggedEvent root(String name, String path) { return add(new RootAdded(name, path)); }

    LoggedEvent unroot(String name, String path) { return add(new RootRemoved(name, path)); }

    LoggedEvent sign(String path, String sig) { return add(new SignatureAdded(path, sig)); }

    /** Events from sequence {@code from} (inclusive) to {@code to} (exclusive). */
    List<LoggedEvent> range(int from, int to) { return List.copyOf(events.subList(from, to)); }
}
