package org.storelog.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.storelog.app.Store;
import org.storelog.cli.CliRunner;
import org.storelog.cli.CliRunner.Result;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.log.EventLog;
import org.storelog.log.EventLogs;
import org.storelog.projection.InMemoryStoreView;
import org.storelog.projection.LmdbProjections;
import org.storelog.projection.StoreView;

/**
 * {@code audit query --as-of N} answers as a replay of the log's events up to N does, after random
 * sequences of imports and reimports (paths appearing, vanishing, changing their NAR hash). The
 * expected state is folded independently: the events up to N, batch by batch, into a fresh LMDB
 * projection; the state {@code --as-of} uses ({@link InMemoryStoreView#replay}) must give the same
 * answer to every query for every path, and the command's printed answers must match too.
 */
class AsOfProperties {
    static final int UNIVERSE = 30;
    static final String NIX32 = "0123456789abcdfghijklmnpqrsvwxyz";

    /** One import: which paths of the universe the source lists, and a hash variant per path. */
    record Step(List<Boolean> present, List<Integer> variant) {}

    @Provide
    Arbitrary<List<Step>> imports() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.of(true, false).list().ofSize(UNIVERSE),
                Arbitraries.integers().between(0, 1).list().ofSize(UNIVERSE)).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 25)
    void asOfNEqualsReplayOfFirstNEvents(@ForAll("imports") List<Step> steps, @ForAll("seeds") long seed)
            throws IOException {
        Path dir = Files.createTempDirectory("asof");
        try {
            Path state = dir.resolve("state");
            assertEquals(0, run("--state", state.toString(), "init", "--store-dir", "/nix/store").exit());
            List<String> universe = paths(seed);
            for (int i = 0; i < steps.size(); i++) {
                Path dump = Files.writeString(dir.resolve("d" + i), dump(universe, steps.get(i)));
                Result r = run("--state", state.toString(), "import", "--dump-db", dump.toString());
                assertEquals(0, r.exit(), r.err());
            }
            List<LoggedEvent> events = new ArrayList<>();
            try (EventLog log = EventLogs.openEmbeddedReadOnly(Store.logDir(state));
                 Stream<LoggedEvent> s = log.read(0)) {
                s.forEach(events::add);
            }
            long last = events.get(events.size() - 1).sequence();
            TreeSet<Long> ns = new TreeSet<>(List.of(0L, last, last / 2, last / 3 + 1, Math.max(0, last - 1)));
            for (long n : ns) {
                try (LmdbProjections expected = foldUpTo(events, n, dir.resolve("fold" + n))) {
                    InMemoryStoreView asOf;
                    try (EventLog log = EventLogs.openEmbeddedReadOnly(Store.logDir(state));
                         Stream<LoggedEvent> s = log.read(0)) {
                        asOf = InMemoryStoreView.replay(s.iterator(), n);
                    }
                    assertSameAnswers(expected, asOf, universe, "as of " + n);
                    assertCommandAgrees(state, expected, universe, n);
                }
            }
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }

    @Provide
    Arbitrary<Long> seeds() { return Arbitraries.longs().between(1, 1_000_000); }

    /** The events with sequence ≤ n, applied batch by batch (as commits did) to a fresh LMDB env. */
    private static LmdbProjections foldUpTo(List<LoggedEvent> events, long n, Path env) {
        LmdbProjections p = LmdbProjections.open(env);
        Map<String, List<LoggedEvent>> batches = new LinkedHashMap<>();
        for (LoggedEvent e : events)
            if (e.sequence() <= n) batches.computeIfAbsent(e.batchId(), k -> new ArrayList<>()).add(e);
        batches.values().forEach(p::apply);
        return p;
    }

    private static void assertCommandAgrees(Path state, StoreView expected, List<String> universe, long n) {
        String st = state.toString(), at = Long.toString(n);
        List<String> args = new ArrayList<>(List.of("--state", st, "query", "valid", "--as-of", at));
        args.addAll(universe);
        Result valid = run(args.toArray(String[]::new));
        List<String> validNow = universe.stream().filter(expected::isValid).sorted().toList();
        assertEquals(validNow, valid.lines().stream().sorted().toList(), "query valid --as-of " + n);
        assertEquals(validNow.size() == universe.size() ? 0 : 1, valid.exit());
        for (String p : validNow) {
            assertEquals(expected.references(p), run("--state", st, "query", "references", p, "--as-of", at).lines());
            assertEquals(expected.requisites(List.of(p)), run("--state", st, "query", "requisites", p, "--as-of", at).lines());
            assertEquals(expected.referrersClosure(List.of(p)),
                    run("--state", st, "query", "referrers-closure", p, "--as-of", at).lines());
        }
    }

    static void assertSameAnswers(StoreView expected, StoreView actual, List<String> universe, String what) {
        assertEquals(expected.lastAppliedSequence(), actual.lastAppliedSequence(), what);
        assertEquals(expected.validPaths(), actual.validPaths(), what);
        assertEquals(expected.roots(), actual.roots(), what);
        for (String p : universe) {
            assertEquals(expected.info(p), actual.info(p), what + ": info " + p);
            assertEquals(expected.references(p), actual.references(p), what + ": references " + p);
            assertEquals(expected.referrers(p), actual.referrers(p), what + ": referrers " + p);
            assertEquals(expected.requisites(List.of(p)), actual.requisites(List.of(p)), what + ": requisites " + p);
            assertEquals(expected.referrersClosure(List.of(p)), actual.referrersClosure(List.of(p)),
                    what + ": referrersClosure " + p);
            assertEquals(expected.derivationOutputs(p), actual.derivationOutputs(p), what + ": outputs " + p);
            assertEquals(expected.history(p), actual.history(p), what + ": history " + p);
        }
    }

    private static List<String> paths(long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < UNIVERSE; i++) {
            StringBuilder h = new StringBuilder("/nix/store/");
            for (int k = 0; k < 32; k++) h.append(NIX32.charAt(rnd.nextInt(32)));
            out.add(h.append("-p").append(i).toString());
        }
        return out;
    }

    /**
     * dump-db text of the paths a step lists. Path i refers to i-1 and i/2 when the source lists them,
     * so every listed reference is listed too (as a real store's closure is).
     */
    private static String dump(List<String> universe, Step step) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < UNIVERSE; i++) {
            if (!step.present().get(i)) continue;
            TreeSet<String> refs = new TreeSet<>();
            if (i > 0 && step.present().get(i - 1)) refs.add(universe.get(i - 1));
            if (i > 1 && step.present().get(i / 2)) refs.add(universe.get(i / 2));
            sb.append(universe.get(i)).append('\n')
                    .append(String.format("%064x", (long) i * 1000 + step.variant().get(i))).append('\n')
                    .append(1000 + i).append('\n').append('\n').append(refs.size()).append('\n');
            for (String r : refs) sb.append(r).append('\n');
        }
        return sb.toString();
    }

    private static Result run(String... args) { return CliRunner.runRaw(args); }
}
