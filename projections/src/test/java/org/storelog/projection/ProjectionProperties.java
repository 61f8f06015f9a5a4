package org.storelog.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import net.jqwik.api.*;
import net.jqwik.api.lifecycle.AfterTry;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;
import org.storelog.domain.event.StoreEvent.*;

/**
 * Laws of the projections over random operation sequences on a small universe of paths
 * (register with refs, delete, re-register, add reference, roots, declared outputs, signatures,
 * build and check results).
 */
class ProjectionProperties {
    static final List<String> UNIVERSE = IntStream.range(0, 8).mapToObj(i -> Log.path("u" + i)).toList();
    private final List<Path> dirs = new ArrayList<>();

    /** LMDB folded in many small batches == LMDB folded by one replay == the in-memory fold. */
    @Property(tries = 150)
    void replayEqualsIncremental(@ForAll("logs") List<StoreEvent> ops, @ForAll("cuts") List<Integer> cuts) {
        List<LoggedEvent> events = logged(ops);
        try (LmdbProjections incremental = LmdbProjections.open(tempDir(), 64 * 1024);
             LmdbProjections replayed = LmdbProjections.open(tempDir())) {
            for (List<LoggedEvent> batch : batches(events, cuts)) incremental.apply(batch);
            replayed.catchUp(events.iterator());
            InMemoryStoreView model = InMemoryStoreView.replay(events.iterator(), Long.MAX_VALUE);
            Map<String, Object> expected = Snapshot.of(model, UNIVERSE);
            assertEquals(expected, Snapshot.of(replayed, UNIVERSE));
            assertEquals(expected, Snapshot.of(incremental, UNIVERSE));
        }
    }

    /**
     * The bulk fold (a catch-up into an env with empty data DBIs, here after a first event that
     * touches no path, as {@code audit import} after {@code audit init}) writes exactly the bytes
     * that folding the same events in small incremental batches writes: every key and value of
     * every DBI, so the ids too.
     */
    @Property(tries = 150)
    void bulkFoldEqualsIncrementalByteForByte(@ForAll("logs") List<StoreEvent> ops, @ForAll("cuts") List<Integer> cuts) {
        List<StoreEvent> all = new ArrayList<>();
        all.add(new StoreInitialized("/nix/store", "standalone", "/tmp/x"));
        all.addAll(ops);
        List<LoggedEvent> events = logged(all);
        Path incDir = tempDir(), bulkDir = tempDir();
        // A bulk fold's arrays start with room for one path, so they grow while references are interned.
        System.setProperty("storelog.projection.bulkInitialCapacity", "1");
        try (LmdbProjections incremental = LmdbProjections.open(incDir, 64 * 1024);
             LmdbProjections bulk = LmdbProjections.open(bulkDir, 64 * 1024)) {
            for (List<LoggedEvent> batch : batches(events, cuts)) incremental.apply(batch);
            bulk.apply(events.subList(0, 1));
            assertEquals(events.size() - 1, bulk.catchUp(events.iterator()));
        } finally {
            System.clearProperty("storelog.projection.bulkInitialCapacity");
        }
        assertEquals(RawDbis.of(incDir), RawDbis.of(bulkDir));
    }

    /** The in-memory replay of the first N events answers as LMDB does after exactly N events. */
    @Property(tries = 150)
    void asOfN(@ForAll("logs") List<StoreEvent> ops, @ForAll("cuts") List<Integer> cuts, @ForAll double fraction) {
        List<LoggedEvent> events = logged(ops);
        int n = (int) Math.floor(Math.abs(fraction) % 1.0 * (events.size() + 1));
        try (LmdbProjections lmdb = LmdbProjections.open(tempDir())) {
            for (List<LoggedEvent> batch : batches(events.subList(0, n), cuts)) lmdb.apply(batch);
            InMemoryStoreView asOf = InMemoryStoreView.replay(events.iterator(), n - 1);
            assertEquals(Snapshot.of(asOf, UNIVERSE), Snapshot.of(lmdb, UNIVERSE));
        }
    }

    /**
     * The bulk graph of LMDB (scanned, then read back from its cache file by a read-only reader)
     * equals the graph built path by path from the in-memory fold, after every batch.
     */
    @Property(tries = 150)
    void bulkGraphEqualsPerPathView(@ForAll("logs") List<StoreEvent> ops, @ForAll("cuts") List<Integer> cuts) {
        List<LoggedEvent> events = logged(ops);
        Path dir = tempDir();
        InMemoryStoreView model = new InMemoryStoreView();
        for (List<LoggedEvent> batch : batches(events, cuts)) {
            try (LmdbProjections lmdb = LmdbProjections.open(dir)) {
                lmdb.apply(batch);
                model.apply(batch);
                List<String> expected = Graphs.describe(PackedGraph.of(model));
                assertEquals(expected, Graphs.describe(model.graph()));
                assertEquals(expected, Graphs.describe(lmdb.graph()), "scanned");
                assertEquals(expected, Graphs.describe(PackedGraph.of(lmdb)), "per path from LMDB");
                for (String p : UNIVERSE)
                    if (model.isValid(p)) assertEquals(model.referrersClosure(List.of(p)), lmdb.referrersClosure(List.of(p)));
            }
            try (LmdbProjections ro = LmdbProjections.openReadOnly(dir)) {
                assertEquals(Graphs.describe(PackedGraph.of(model)), Graphs.describe(ro.graph()), "from the cache file");
            }
        }
    }

    static List<LoggedEvent> logged(List<StoreEvent> ops) {
        List<LoggedEvent> out = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) out.add(new LoggedEvent(i, 1_000 + i, "b" + i, ops.get(i)));
        return out;
    }

    /** Splits the events at the given cut points (taken modulo the size). */
    static List<List<LoggedEvent>> batches(List<LoggedEvent> events, List<Integer> cuts) {
        List<Integer> at = new ArrayList<>();
        for (int c : cuts) if (!events.isEmpty()) at.add(c % (events.size() + 1));
        at.add(events.size());
        at.sort(Comparator.naturalOrder());
        List<List<LoggedEvent>> out = new ArrayList<>();
        int from = 0;
        for (int to : at) {
            if (to > from) out.add(events.subList(from, to));
            from = Math.max(from, to);
        }
        return out;
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 1000).list().ofMaxSize(30);
    }

    @Provide
    Arbitrary<List<StoreEvent>> logs() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, registered()),
                Tuple.of(2, pathAt().map(p -> (StoreEvent) new PathDeleted(p, null, "gc", 0))),
                Tuple.of(3, Combinators.combine(pathAt(), pathAt()).as((p, r) -> (StoreEvent) new ReferenceAdded(p, r))),
                Tuple.of(2, Combinators.combine(rootName(), pathAt()).as((n, p) -> (StoreEvent) new RootAdded(n, p))),
                Tuple.of(1, Combinators.combine(rootName(), pathAt()).as((n, p) -> (StoreEvent) new RootRemoved(n, p))),
                Tuple.of(2, Combinators.combine(pathAt(), Arbitraries.maps(Arbitraries.of("out", "dev", "doc"), pathAt())
                        .ofMaxSize(3)).as((d, o) -> (StoreEvent) new DerivationOutputsDeclared(d, o))),
                Tuple.of(1, Combinators.combine(pathAt(), Arbitraries.of("k1:a", "k2:b", "k3:c"))
                        .as((p, s) -> (StoreEvent) new SignatureAdded(p, s))),
                Tuple.of(1, Combinators.combine(pathAt(), Arbitraries.of(true, false), pathAt()).as((d, ok, o) -> ok
                        ? (StoreEvent) new BuildSucceeded(d, "b", Map.of("out", o), 5)
                        : (StoreEvent) new BuildFailed(d, "b", "exit 1", 7))),
                Tuple.of(1, Combinators.combine(pathAt(), pathAt(), Arbitraries.of("reproducible", "diverged"))
                        .as((d, o, v) -> (StoreEvent) new RebuildCompared(d, v, null,
                                Map.of("out", new OutputComparison(o, "sha256:r", List.of("sha256:x"), List.of("f"))),
                                "none", 1))),
                Tuple.of(1, Arbitraries.<StoreEvent>just(new GcSweepStarted("s", false, false, 0, 0, 0))))
                .list().ofMaxSize(60);
    }

    private Arbitrary<StoreEvent> registered() {
        return Combinators.combine(pathAt(), pathAt().list().ofMaxSize(5), Arbitraries.of(0L, 1L, 2L),
                Arbitraries.of("k1:a", "k2:b").list().ofMaxSize(2), Arbitraries.of(Origin.values()))
                .as((p, refs, v, sigs, origin) -> (StoreEvent) new PathRegistered(p, Log.narHash(p + v), 100 + v,
                        refs, v == 2 ? UNIVERSE.get(0) : null, v == 1 ? "text:sha256:x" : null, sigs, 1000 + v, origin));
    }

    private Arbitrary<String> pathAt() { return Arbitraries.of(UNIVERSE); }

    private Arbitrary<String> rootName() { return Arbitraries.of("profile", "result", "gcroot"); }

    private Path tempDir() {
        try {
            Path d = Files.createTempDirectory("proj-prop");
            dirs.add(d);
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterTry
    void removeDirs() throws IOException {
        for (Path d : dirs) {
            try (Stream<Path> s = Files.walk(d)) {
                for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
            }
        }
        dirs.clear();
    }
}
