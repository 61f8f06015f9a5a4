package org.storelog.app.gc;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.storelog.projection.StoreView;

/**
 * GC impact report: totals, live/dead split, per-root closure and exclusive sizes (a path is
 * exclusive to a root when no other root keeps it live), a what-if for removing given roots, and
 * the largest dead paths. One forward search per root, with integer ids and bitsets.
 */
public final class Impact {
    public record RootImpact(String name, String path, int closureCount, long closureBytes,
                             int exclusiveCount, long exclusiveBytes) {}
    public record DeadPath(String path, long narSize) {}
    public record WhatIf(List<String> removedRoots, List<String> wouldDie, long wouldFreeBytes) {}
    public record Report(int totalCount, long totalBytes, int liveCount, long liveBytes, int deadCount,
                         long deadBytes, List<RootImpact> roots, WhatIf whatIf, List<DeadPath> largestDead) {}

    private Impact() {}

    public static Report compute(StoreView view, boolean keepDerivations, boolean keepOutputs,
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
        List<RootImpact> perRoot = new ArrayList<>();
        for (int r = 0; r < names.size(); r++) {
            BitSet c = closures.get(r);
            long cb = 0, eb = 0;
            int ec = 0;
            for (int p = c.nextSetBit(0); p >= 0; p = c.nextSetBit(p + 1)) {
                cb += g.narSize(p);
                if (reachCount[p] == 1 && owner[p] == r) { eb += g.narSize(p); ec++; }
            }
            perRoot.add(new RootImpact(names.get(r), roots.get(names.get(r)), c.cardinality(), cb, ec, eb));
        }
        perRoot.sort(Comparator.comparingLong(RootImpact::exclusiveBytes).reversed().thenComparing(RootImpact::name));
        WhatIf whatIf = null;
        if (!removeRoots.isEmpty()) {
            int[] kept = names.stream().filter(nm -> !removeRoots.contains(nm))
                    .mapToInt(nm -> g.id(roots.get(nm))).filter(i -> i >= 0).toArray();
            BitSet after = l.live(kept);
            List<String> die = new ArrayList<>();
            long bytes = 0;
            for (int p = 0; p < n; p++)
                if (reachCount[p] > 0 && !after.get(p)) { die.add(g.path(p)); bytes += g.narSize(p); }
            whatIf = new WhatIf(List.copyOf(removeRoots), die, bytes);
        }
        List<DeadPath> largest = IntStream.range(0, n).filter(p -> reachCount[p] == 0).boxed()
                .sorted(Comparator.comparingLong((Integer p) -> -g.narSize(p)).thenComparing(g::path))
                .limit(Math.max(0, top)).map(p -> new DeadPath(g.path(p), g.narSize(p))).toList();
        return new Report(n, total, liveCount, live, n - liveCount, total - live, perRoot, whatIf, largest);
    }
}
