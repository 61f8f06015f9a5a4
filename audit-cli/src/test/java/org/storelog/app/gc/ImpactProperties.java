package org.storelog.app.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;
import org.storelog.domain.event.StoreEvent.Origin;
import org.storelog.projection.InMemoryStoreView;

/**
 * {@link Impact}'s dominator-based figures equal the naive computation (one liveness search per
 * root, a path exclusive when exactly one root reaches it) on random stores: references with
 * cycles and self-references, derivers and declared outputs (both keep options), several root
 * names on one path, roots on paths that are not valid, and roots inside other roots' closures.
 */
class ImpactProperties {

    @Property(tries = 300)
    void dominatorExclusiveSizesEqualPerRootMarking(@ForAll long seed, @ForAll @IntRange(min = 0, max = 40) int n,
                                                    @ForAll boolean keepDerivations, @ForAll boolean keepOutputs) {
        Random rnd = new Random(seed);
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < n; i++) paths.add(GcFixture.path(i, "p" + i + (rnd.nextInt(3) == 0 ? ".drv" : "")));
        List<StoreEvent> events = new ArrayList<>();
        double density = rnd.nextDouble() * 0.2;
        for (int i = 0; i < n; i++) {
            List<String> refs = new ArrayList<>();
            for (int j = 0; j < n; j++) // mostly towards older paths, sometimes anywhere (cycles)
                if ((j < i || rnd.nextInt(6) == 0) && rnd.nextDouble() < density) refs.add(paths.get(j));
            String deriver = rnd.nextInt(3) == 0 && n > 0 ? paths.get(rnd.nextInt(n)) : null;
            if (rnd.nextInt(8) != 0) // some paths stay unregistered
                events.add(new StoreEvent.PathRegistered(paths.get(i), GcFixture.NAR_HASH, 1 + rnd.nextInt(1000), refs,
                        deriver, null, List.of(), 1_700_000_000L, Origin.IMPORTED));
        }
        for (int i = 0; i < n; i++)
            if (paths.get(i).endsWith(".drv") && rnd.nextBoolean()) {
                Map<String, String> outs = new TreeMap<>();
                for (int k = 0; k < 1 + rnd.nextInt(2); k++) outs.put("o" + k, paths.get(rnd.nextInt(n)));
                events.add(new StoreEvent.DerivationOutputsDeclared(paths.get(i), outs));
            }
        int roots = n == 0 ? 0 : rnd.nextInt(8);
        for (int r = 0; r < roots; r++) events.add(new StoreEvent.RootAdded("r" + r, paths.get(rnd.nextInt(n))));
        if (rnd.nextInt(4) == 0) events.add(new StoreEvent.RootAdded("elsewhere", GcFixture.path(999, "not-registered")));
        List<LoggedEvent> logged = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) logged.add(new LoggedEvent(i, 1_000 + i, "b" + i, events.get(i)));
        InMemoryStoreView view = InMemoryStoreView.replay(logged.iterator(), Long.MAX_VALUE);

        Set<String> remove = new LinkedHashSet<>();
        for (String name : view.roots().keySet()) if (rnd.nextInt(3) == 0) remove.add(name);
        Impact.Report got = Impact.compute(view, keepDerivations, keepOutputs, remove, 5);
        assertEquals(naive(view, keepDerivations, keepOutputs, remove, 5), got);
    }

    /** The report as the collector computed it before dominators: one search and one bitset per root. */
    static Impact.Report naive(InMemoryStoreView view, boolean keepDerivations, boolean keepOutputs,
                               Set<String> removeRoots, int top) {
        StoreGraph g = StoreGraph.of(view);
        Liveness l = new Liveness(g, keepDerivations, keepOutputs);
        Map<String, String> roots = view.roots();
        int n = g.size();
        int[] reachCount = new int[n];
        int[] owner = new int[n];
        List<String> names = new ArrayList<>(roots.keySet());
        List<BitSet> closures = new ArrayList<>();
        for (int r = 0; r < names.size(); r++) {
            BitSet c = l.live(new int[] {g.id(roots.get(names.get(r)))});
            closures.add(c);
            for (int p = c.nextSetBit(0); p >= 0; p = c.nextSetBit(p + 1)) { reachCount[p]++; owner[p] = r; }
        }
        long total = 0, live = 0;
        int liveCount = 0;
        for (int p = 0; p < n; p++) {
            total += g.narSize(p);
            if (reachCount[p] > 0) { live += g.narSize(p); liveCount++; }
        }
        List<Impact.RootImpact> perRoot = new ArrayList<>();
        for (int r = 0; r < names.size(); r++) {
            BitSet c = closures.get(r);
            long cb = 0, eb = 0;
            int ec = 0;
            for (int p = c.nextSetBit(0); p >= 0; p = c.nextSetBit(p + 1)) {
                cb += g.narSize(p);
                if (reachCount[p] == 1 && owner[p] == r) { eb += g.narSize(p); ec++; }
            }
            perRoot.add(new Impact.RootImpact(names.get(r), roots.get(names.get(r)), c.cardinality(), cb, ec, eb));
        }
        perRoot.sort(Comparator.comparingLong(Impact.RootImpact::exclusiveBytes).reversed()
                .thenComparing(Impact.RootImpact::name));
        Impact.WhatIf whatIf = null;
        if (!removeRoots.isEmpty()) {
            int[] kept = names.stream().filter(nm -> !removeRoots.contains(nm))
                    .mapToInt(nm -> g.id(roots.get(nm))).filter(i -> i >= 0).toArray();
            BitSet after = l.live(kept);
            List<String> die = new ArrayList<>();
            long bytes = 0;
            for (int p = 0; p < n; p++)
                if (reachCount[p] > 0 && !after.get(p)) { die.add(g.path(p)); bytes += g.narSize(p); }
            whatIf = new Impact.WhatIf(List.copyOf(removeRoots), die, bytes);
        }
        List<Impact.DeadPath> largest = java.util.stream.IntStream.range(0, n).filter(p -> reachCount[p] == 0).boxed()
                .sorted(Comparator.comparingLong((Integer p) -> -g.narSize(p)).thenComparing(g::path))
                .limit(Math.max(0, top)).map(p -> new Impact.DeadPath(g.path(p), g.narSize(p))).toList();
        return new Impact.Report(n, total, liveCount, live, n - liveCount, total - live, perRoot, whatIf, largest);
    }
}
