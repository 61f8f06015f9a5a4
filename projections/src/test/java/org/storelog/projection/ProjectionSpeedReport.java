package org.storelog.projection;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;
import org.storelog.domain.event.StoreEvent.*;

/**
 * Prints fold and query speeds of the LMDB projection on a synthetic store; asserts nothing about
 * time (figures vary with the machine). Run:
 * {@code mvn -o -q -B -pl projections -am verify -Dtest=ProjectionSpeedReport -Dsurefire.failIfNoSpecifiedTests=false -Dprojection.speed=true}
 *
 * <p>The store: 100,000 paths, each referencing ≈5 earlier paths with power-law fan-in (path 0,
 * "glibc", is referenced by ~90% of paths; the rest are drawn as {@code i·u⁴}), every tenth path a
 * derivation declaring the next one as output, plus a root per thousand paths.
 */
@EnabledIfSystemProperty(named = "projection.speed", matches = "true")
class ProjectionSpeedReport {
    static final int PATHS = 100_000;

    static List<LoggedEvent> syntheticStore(int paths, long seed) {
        Random rnd = new Random(seed);
        List<String> names = new ArrayList<>(paths);
        for (int i = 0; i < paths; i++) names.add(Log.path("p" + i));
        List<LoggedEvent> out = new ArrayList<>(paths * 12 / 10);
        for (int i = 0; i < paths; i++) {
            Set<String> refs = new LinkedHashSet<>();
            if (i > 0 && rnd.nextDouble() < 0.9) refs.add(names.get(0));
            for (int k = 0; k < 4 && i > 0; k++) refs.add(names.get((int) (i * Math.pow(rnd.nextDouble(), 4))));
            StoreEvent e = new PathRegistered(names.get(i), "sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s",
                    1000 + i, List.copyOf(refs), i % 10 == 1 ? names.get(i - 1) : null, null, List.of(), 1_700_000_000L,
                    Origin.IMPORTED);
            out.add(new LoggedEvent(out.size(), 0, "import", e));
            if (i % 10 == 0 && i + 1 < paths)
                out.add(new LoggedEvent(out.size(), 0, "import",
                        new DerivationOutputsDeclared(names.get(i), Map.of("out", names.get(i + 1)))));
            if (i % 1000 == 0)
                out.add(new LoggedEvent(out.size(), 0, "import", new RootAdded("r" + i, names.get(i))));
        }
        return out;
    }

    /** CPU time of this thread: the machine is shared, so wall time alone says little. */
    private static long cpu() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** Same printout without Maven: {@code java -cp test-classes:classes:DEPS org.storelog.projection.ProjectionSpeedReport}. */
    public static void main(String[] args) throws Exception {
        new ProjectionSpeedReport().printFoldAndQuerySpeeds();
    }

    @Test
    void printFoldAndQuerySpeeds() throws Exception {
        List<LoggedEvent> events = syntheticStore(PATHS, 1);
        String most = Log.path("p0");
        for (int round = 1; round <= 3; round++) {
            Path dir = Files.createTempDirectory("proj-speed");
            long t0 = System.nanoTime(), cpu0 = cpu();
            try (LmdbProjections p = LmdbProjections.open(dir)) {
                p.catchUp(events.iterator());
            }
            long fold = System.nanoTime() - t0, foldCpu = cpu() - cpu0;
            System.out.printf("round %d: folded %,d events into LMDB in %.0f ms wall = %,.0f events/s (%.0f ms CPU = %,.0f events/CPU-s)%n",
                    round, events.size(), fold / 1e6, events.size() / (fold / 1e9), foldCpu / 1e6,
                    events.size() / (foldCpu / 1e9));

            long o0 = System.nanoTime();
            List<String> refs;
            try (LmdbProjections ro = LmdbProjections.openReadOnly(dir)) {
                refs = ro.references(Log.path("p54321"));
            }
            long open = System.nanoTime() - o0;
            System.out.printf("round %d: openReadOnly + references(P) + close: %.2f ms (%d refs)%n", round, open / 1e6,
                    refs.size());

            try (LmdbProjections ro = LmdbProjections.openReadOnly(dir)) {
                long c0 = System.nanoTime(), cc0 = cpu();
                List<String> closure = ro.referrersClosure(List.of(most));
                long c = System.nanoTime() - c0, cc = cpu() - cc0;
                long r0 = System.nanoTime();
                List<String> reqs = ro.requisites(List.of(Log.path("p99999")));
                long r = System.nanoTime() - r0;
                System.out.printf("round %d: referrersClosure(p0) = %,d paths in %.0f ms wall (%.0f ms CPU); requisites(p99999) = %,d paths in %.1f ms%n",
                        round, closure.size(), c / 1e6, cc / 1e6, reqs.size(), r / 1e6);
            }
            long m0 = System.nanoTime(), mc0 = cpu();
            InMemoryStoreView mem = InMemoryStoreView.replay(events.iterator(), Long.MAX_VALUE);
            long m = System.nanoTime() - m0, mc = cpu() - mc0;
            System.out.printf("round %d: in-memory fold %.0f ms wall, %.0f ms CPU = %,.0f events/CPU-s (%d valid)%n", round,
                    m / 1e6, mc / 1e6, events.size() / (mc / 1e9), mem.validPaths().size());
            try (var s = Files.walk(dir)) {
                for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
            }
        }
    }
}
