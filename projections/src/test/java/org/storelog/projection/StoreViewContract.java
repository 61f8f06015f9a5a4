package org.storelog.projection;

import static org.junit.jupiter.api.Assertions.*;
import static org.storelog.projection.Log.path;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent.*;

/**
 * The behaviour every {@link StoreProjection} backend must show (STYLE.md #6): one suite, run by
 * {@code InMemoryStoreViewTest} and {@code LmdbProjectionsTest}.
 */
abstract class StoreViewContract {
    static final String A = path("a"), B = path("b"), C = path("c"), D = path("d"), E = path("e");
    static final String DRV = path("hello.drv"), OUT = path("hello"), DEV = path("hello-dev");

    protected StoreProjection view;
    protected final Log log = new Log();

    /** A fresh, empty projection. */
    protected abstract StoreProjection create() throws Exception;

    /** The same projection after closing and opening it again (backends without storage return it as is). */
    protected abstract StoreProjection reopen(StoreProjection v) throws Exception;

    @BeforeEach
    void setUp() throws Exception { view = create(); }

    @AfterEach
    void tearDown() { view.close(); }

    private void applyAll() { view.apply(log.range((int) (view.lastAppliedSequence() + 1), log.events.size())); }

    @Test
    void empty_answersNothing() {
        assertEquals(-1, view.lastAppliedSequence());
        assertFalse(view.isValid(A));
        assertEquals(List.of(), view.validPaths());
        assertTrue(view.info(A).isEmpty());
        assertEquals(List.of(), view.references(A));
        assertEquals(List.of(), view.referrers(A));
        assertEquals(List.of(), view.history(A));
        assertEquals(Map.of(), view.roots());
        assertEquals(Map.of(), view.derivationOutputs(DRV));
        assertTrue(view.lastBuild(DRV).isEmpty());
        assertTrue(view.lastCheck(DRV).isEmpty());
    }

    @Test
    void registered_isValidWithItsInfoAndReferences() {
        log.register(B);
        log.registerFull(A, DRV, "fixed:r:sha256:abc", List.of("k:sig1"), Origin.BUILT, B, A, B);
        applyAll();
        assertTrue(view.isValid(A));
        assertEquals(List.of(A, B).stream().sorted().toList(), view.validPaths());
        RegisteredPath i = view.info(A).orElseThrow();
        assertEquals(new RegisteredPath(A, Log.narHash(A + "!"), 4242, List.of(A, B).stream().sorted().toList(), DRV,
                1_700_000_123L, List.of("k:sig1"), "fixed:r:sha256:abc", Origin.BUILT), i);
        assertEquals(List.of(A, B).stream().sorted().toList(), view.references(A));
        assertEquals(List.of(A), view.referrers(B));
        assertEquals(List.of(A), view.referrers(A), "a self-reference makes the path its own referrer, as in Nix");
        assertEquals(DRV, view.deriver(A).orElseThrow());
        assertEquals(1, view.lastAppliedSequence());
    }

    @Test
    void reRegistration_replacesInfoAndReferences() {
        log.register(B);
        log.register(C);
        log.register(A, B);
        log.registerFull(A, null, null, List.of(), Origin.IMPORTED, C);
        applyAll();
        assertEquals(List.of(C), view.references(A));
        assertEquals(List.of(), view.referrers(B));
        assertEquals(List.of(A), view.referrers(C));
        assertEquals(4242, view.info(A).orElseThrow().narSize());
        assertEquals(Origin.IMPORTED, view.info(A).orElseThrow().origin());
    }

    @Test
    void deleted_isInvalidAndDropsItsOwnEdgesOnly() {
        log.register(C);
        log.register(B, C);
        log.register(A, B);
        log.delete(B);
        applyAll();
        assertFalse(view.isValid(B));
        assertTrue(view.info(B).isEmpty());
        assertTrue(view.deriver(B).isEmpty());
        assertEquals(List.of(), view.references(B));
        assertEquals(List.of(), view.referrers(C));
        assertEquals(List.of(A), view.referrers(B), "A's registration still says it references B");
        assertEquals(List.of(B), view.references(A));
    }

    @Test
    void deletedThenRegisteredAgain_startsFresh() {
        log.register(C);
        log.register(B, C);
        log.delete(B);
        log.register(B);
        applyAll();
        assertTrue(view.isValid(B));
        assertEquals(List.of(), view.references(B));
        assertEquals(List.of(), view.referrers(C));
    }

    @Test
    void referenceAdded_addsAnEdgeToAValidPathOnly() {
        log.register(A);
        log.register(B);
        log.reference(A, B);
        log.reference(A, B);
        log.reference(C, B);
        applyAll();
        assertEquals(List.of(B), view.references(A));
        assertEquals(List.of(B), view.info(A).orElseThrow().references());
        assertEquals(List.of(A), view.referrers(B));
        assertEquals(List.of(), view.references(C), "ReferenceAdded on an invalid path is ignored");
    }

    @Test
    void signatureAdded_appendsOnceAndIgnoresInvalidPaths() {
        log.registerFull(A, null, null, List.of("k1:x"), Origin.ADDED);
        log.sign(A, "k2:y");
        log.sign(A, "k1:x");
        log.sign(B, "k3:z");
        applyAll();
        assertEquals(List.of("k1:x", "k2:y"), view.info(A).orElseThrow().signatures());
        assertTrue(view.info(B).isEmpty());
    }

    @Test
    void derivationOutputs_declaredAndFoundByValidDerivers() {
        log.register(DRV);
        log.outputs(DRV, Map.of("out", OUT, "dev", DEV));
        log.outputs(path("other.drv"), Map.of("out", OUT));
        applyAll();
        assertEquals(new TreeMap<>(Map.of("out", OUT, "dev", DEV)), view.derivationOutputs(DRV));
        assertEquals(List.of("dev", "out"), List.copyOf(view.derivationOutputs(DRV).keySet()));
        assertEquals(List.of(DRV), view.validDerivers(OUT), "other.drv is not valid");
    }

    @Test
    void derivationOutputs_redeclaredNameReplacesAndDeletionCascades() {
        log.register(DRV);
        log.outputs(DRV, Map.of("out", OUT));
        log.outputs(DRV, Map.of("out", DEV, "doc", path("doc")));
        applyAll();
        assertEquals(new TreeMap<>(Map.of("out", DEV, "doc", path("doc"))), view.derivationOutputs(DRV));
        assertEquals(List.of(), view.validDerivers(OUT));
        assertEquals(List.of(DRV), view.validDerivers(DEV));
        log.delete(DRV);
        applyAll();
        assertEquals(Map.of(), view.derivationOutputs(DRV));
        assertEquals(List.of(), view.validDerivers(DEV));
    }

    @Test
    void roots_addedReplacedAndRemoved() {
        log.root("profile", A);
        log.root("result", B);
        log.root("profile", C);
        log.unroot("result", B);
        applyAll();
        assertEquals(new TreeMap<>(Map.of("profile", C)), view.roots());
    }

    @Test
    void history_listsEveryEventConcerningThePath() {
        log.register(A);                                     // 0
        log.add(new StoreInitialized("/nix/store", "standalone", "/x")); // 1: no subjects
        log.add(new BuildStarted(DRV, "b1", "none"));         // 2
        log.sign(A, "k:s");                                   // 3
        log.add(new RebuildCompared(DRV, "reproducible", null,
                Map.of("out", new OutputComparison(A, "sha256:x", List.of("sha256:x"), List.of())), "none", 1)); // 4
        log.delete(A);                                        // 5
        log.root("r", A);                                     // 6
        applyAll();
        assertEquals(List.of(0L, 3L, 4L, 5L, 6L), view.history(A));
        assertEquals(List.of(2L, 4L), view.history(DRV));
    }

    @Test
    void buildAndCheckResults_keepTheLatest() {
        log.add(new BuildFailed(DRV, "b1", "exit 1", 10));
        log.add(new BuildSucceeded(DRV, "b2", Map.of("out", OUT), 20));
        RebuildCompared first = new RebuildCompared(DRV, "diverged", "out differs",
                Map.of("out", new OutputComparison(OUT, "sha256:r", List.of("sha256:a", "sha256:b"), List.of("bin/x"))),
                "standard", 2);
        RebuildCompared second = new RebuildCompared(DRV, "inconclusive", "build failed",
                Map.of("out", new OutputComparison(OUT, null, List.of(), null)), "none", 1);
        log.add(first);
        applyAll();
        assertEquals(new BuildResult(1, 1_700_000_000_001L, DRV, "b2", true, Map.of("out", OUT), null, 20),
                view.lastBuild(DRV).orElseThrow());
        assertEquals(new CheckResult(2, 1_700_000_000_002L, first), view.lastCheck(DRV).orElseThrow());
        log.add(new BuildFailed(DRV, "b3", "timeout", 30));
        log.add(second);
        applyAll();
        assertEquals(new BuildResult(3, 1_700_000_000_003L, DRV, "b3", false, Map.of(), "timeout", 30),
                view.lastBuild(DRV).orElseThrow());
        assertEquals(second, view.lastCheck(DRV).orElseThrow().comparison());
    }

    /**
     * d → c → b → a, e → a, c → a. Nix prints dependencies first, walking the set in path order.
     * The expected orders were worked out by hand from nix-store's topoSort.
     */
    @Test
    void requisitesAndReferrersClosure_inNixOrder() {
        log.register(A);
        log.register(B, A);
        log.register(C, B, A);
        log.register(D, C);
        log.register(E, A);
        applyAll();
        assertEquals(Set.of(A, B, C, D), Set.copyOf(view.requisites(List.of(D))));
        assertEquals(List.of(A, B, C, D), view.requisites(List.of(D)));
        assertEquals(List.of(A), view.requisites(List.of(A)));
        assertEquals(List.of(B), view.referrersClosure(List.of(B)).subList(0, 1));
        assertEquals(Set.of(B, C, D), Set.copyOf(view.referrersClosure(List.of(B))));
        assertEquals(Set.of(A, B, C, D, E), Set.copyOf(view.referrersClosure(List.of(A))));
        List<String> rc = view.referrersClosure(List.of(A));
        for (String p : rc) for (String r : view.references(p))
            if (!r.equals(p)) assertTrue(rc.indexOf(r) < rc.indexOf(p), r + " must come before its referrer " + p);
        assertEquals(ClosureOrderTest.expectedNixOrder(Set.of(A, B, C, D, E), view::references), rc);
    }

    /**
     * The bulk graph: valid paths in path order, references without the dangling one (towards a
     * deleted path), referrers as their inverse, sizes, the recorded deriver only when valid, and
     * valid declared outputs only; it follows later events and survives a reopen.
     */
    @Test
    void graph_holdsValidPathsEdgesSizesDeriversAndOutputs() throws Exception {
        assertEquals(List.of("dangling=0"), Graphs.describe(view.graph()));
        log.register(A);
        log.register(B, A, B);
        log.registerFull(DRV, null, null, List.of(), Origin.ADDED, A);
        log.registerFull(OUT, DRV, null, List.of(), Origin.BUILT, B);
        log.registerFull(DEV, path("gone.drv"), null, List.of(), Origin.BUILT);
        log.outputs(DRV, Map.of("out", OUT, "dev", DEV, "doc", path("never-built")));
        log.register(C, A);
        log.register(D, C);
        log.delete(C);
        applyAll();
        PackedGraph g = view.graph();
        assertEquals(Graphs.describe(PackedGraph.of(view)), Graphs.describe(g));
        List<String> valid = List.of(A, B, D, DRV, OUT, DEV).stream().sorted().toList();
        for (int v = 0; v < g.size(); v++) assertEquals(valid.get(v), g.path(v));
        assertEquals(-1, g.node(C));
        assertEquals(1, g.danglingEdges(), "D's reference to the deleted C");
        assertEquals(g.node(DRV), g.deriver(g.node(OUT)));
        assertEquals(-1, g.deriver(g.node(DEV)), "a deriver that is not valid");
        assertEquals(4242, g.narSize(g.node(OUT)));
        assertEquals(List.of(g.node(A), g.node(B)).stream().sorted().toList(), rowOf(g.refStart(), g.refs(), g.node(B)));
        assertEquals(List.of(g.node(DEV), g.node(OUT)).stream().sorted().toList(), rowOf(g.outStart(), g.outs(), g.node(DRV)));
        log.delete(B);
        log.register(E, D);
        applyAll();
        assertEquals(Graphs.describe(PackedGraph.of(view)), Graphs.describe(view.graph()), "after more events");
        List<String> before = Graphs.describe(view.graph());
        view = reopen(view);
        assertEquals(before, Graphs.describe(view.graph()), "after reopening");
    }

    private static List<Integer> rowOf(int[] start, int[] edges, int v) {
        List<Integer> r = new java.util.ArrayList<>();
        for (int e = start[v]; e < start[v + 1]; e++) r.add(edges[e]);
        return r;
    }

    @Test
    void eventsAtOrBelowLastApplied_areIgnored() {
        log.register(A);
        log.register(B);
        applyAll();
        view.apply(log.events);
        view.apply(List.of(new LoggedEvent(0, 0, "x", new PathDeleted(A, null, "again", 0))));
        assertTrue(view.isValid(A));
        assertEquals(List.of(0L), view.history(A));
        assertEquals(1, view.lastAppliedSequence());
    }

    @Test
    void failedBatch_changesNothing() throws Exception {
        log.register(A);
        applyAll();
        log.register(B, A);
        log.root("r", B);
        LoggedEvent bad = log.register("relative/path");
        log.register(C);
        ProjectionException e = assertThrows(ProjectionException.class,
                () -> view.apply(log.range(1, log.events.size())));
        assertEquals(bad.sequence(), e.sequence());
        assertTrue(e.reason().contains("not an absolute path"), e.reason());
        view = reopen(view);
        assertEquals(0, view.lastAppliedSequence());
        assertEquals(List.of(A), view.validPaths());
        assertEquals(List.of(), view.referrers(A));
        assertEquals(Map.of(), view.roots());
        assertEquals(List.of(), view.history(B));
        view.apply(log.range(1, 3));
        assertEquals(List.of(B), view.referrers(A));
        assertEquals(2, view.lastAppliedSequence());
    }

    @Test
    void catchUp_keepsCommittedChunksWhenTheSourceFailsAndResumes() {
        for (int i = 0; i < 25_000; i++) log.register(path("p" + i), i > 0 ? path("p" + (i - 1)) : path("p0"));
        Iterator<LoggedEvent> failing = new Iterator<>() {
            int next = 0;
            public boolean hasNext() { return true; }
            public LoggedEvent next() {
                if (next == 23_000) throw new NoSuchElementException("log read failed");
                return log.events.get(next++);
            }
        };
        assertThrows(NoSuchElementException.class, () -> view.catchUp(failing));
        long committed = view.lastAppliedSequence();
        assertTrue(committed < 23_000, "nothing past the failure point");
        assertTrue(committed >= 0, "the chunks before the failure stay applied");
        assertTrue(view.isValid(path("p" + committed)));
        assertFalse(view.isValid(path("p" + (committed + 1))));
        long more = view.catchUp(log.events.subList((int) committed + 1, log.events.size()).iterator());
        assertEquals(25_000 - committed - 1, more);
        assertEquals(24_999, view.lastAppliedSequence());
        assertEquals(List.of(path("p24999")), view.referrers(path("p24998")));
    }
}
