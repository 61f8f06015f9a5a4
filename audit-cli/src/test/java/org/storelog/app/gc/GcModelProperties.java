package org.storelog.app.gc;

import static org.junit.jupiter.api.Assertions.*;
import static org.storelog.app.gc.GcFixture.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.storelog.app.Store;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;
import org.storelog.projection.InMemoryStoreView;

/**
 * Random add / register-with-references / root add / root remove / gc sequences against a plain
 * in-memory model: a sweep never deletes a path reachable from a root, the dead set equals the
 * model's, and replaying the log after sweeps gives the model's valid paths and roots.
 */
class GcModelProperties {
    /** An op is (kind, a, b): kind 0 register (refs picked with seed a), 1 root add, 2 root remove, 3 gc. */
    @Provide
    Arbitrary<List<int[]>> ops() {
        Arbitrary<int[]> op = Arbitraries.integers().between(0, 9).flatMap(k -> Arbitraries.integers().between(0, 1000)
                .tuple2().map(t -> new int[] {k < 5 ? 0 : k < 7 ? 1 : k < 8 ? 2 : 3, t.get1(), t.get2()}));
        return op.list().ofMinSize(5).ofMaxSize(40);
    }

    @Property(tries = 25)
    void sweepsFollowTheModel(@ForAll("ops") List<int[]> ops) throws Exception {
        Path dir = Files.createTempDirectory("gcprop");
        Map<String, List<String>> valid = new TreeMap<>();
        Map<String, String> roots = new TreeMap<>();
        int next = 0;
        try (Store s = create(dir)) {
            for (int[] op : ops) {
                List<String> paths = new ArrayList<>(valid.keySet());
                switch (op[0]) {
                    case 0 -> {
                        String p = path(next++, "p" + next);
                        List<String> refs = new ArrayList<>();
                        java.util.Random r = new java.util.Random(op[1]);
                        for (String q : paths) if (r.nextInt(4) == 0) refs.add(q);
                        register(s, p, 1 + op[2], refs, null);
                        valid.put(p, refs);
                    }
                    case 1 -> {
                        if (paths.isEmpty()) continue;
                        String name = "r" + (op[2] % 5);
                        String p = paths.get(op[1] % paths.size());
                        root(s, name, p);
                        roots.put(name, p);
                    }
                    case 2 -> {
                        String name = "r" + (op[2] % 5);
                        if (!roots.containsKey(name)) continue;
                        s.commit(List.of(new StoreEvent.RootRemoved(name, roots.remove(name))));
                    }
                    default -> {
                        Set<String> live = reachable(valid, roots.values());
                        Set<String> modelDead = new TreeSet<>(valid.keySet());
                        modelDead.removeAll(live);
                        assertEquals(modelDead, new TreeSet<>(Collector.deadPaths(s, true, false)));
                        Collector.sweep(s, true, false, -1, false);
                        for (String p : live) {
                            assertTrue(s.view().isValid(p), "live path deleted: " + p);
                            assertTrue(Files.exists(s.config().physical(p)));
                        }
                        modelDead.forEach(valid::remove);
                    }
                }
                assertEquals(new ArrayList<>(valid.keySet()), s.view().validPaths());
            }
            try (Stream<LoggedEvent> ev = s.log().read(0)) {
                InMemoryStoreView replayed = InMemoryStoreView.replay(ev.iterator(), Long.MAX_VALUE);
                assertEquals(new ArrayList<>(valid.keySet()), replayed.validPaths());
                assertEquals(roots, replayed.roots());
            }
        }
    }

    static Set<String> reachable(Map<String, List<String>> valid, java.util.Collection<String> roots) {
        Set<String> seen = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>();
        for (String r : roots) if (valid.containsKey(r) && seen.add(r)) todo.add(r);
        while (!todo.isEmpty())
            for (String q : valid.getOrDefault(todo.poll(), List.of()))
                if (valid.containsKey(q) && seen.add(q)) todo.add(q);
        return seen;
    }

}
