package org.storelog.app.gc;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.storelog.projection.StoreView;

/**
 * GC impact report: totals, live/dead split, per-root closure and exclusive sizes (a path is
 * exclusive to a root when no other root keeps it live), a what-if for removing given roots, and
 * the largest dead paths. Exclusive sizes of all roots come from one dominator tree
 * ({@link RootDominators}); closure sizes from one search per distinct root path.
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
        return compute(StoreGraph.of(view), view.roots(), keepDerivations, keepOutputs, removeRoots, top);
    }

    static Report compute(StoreGraph g, Map<String, String> roots, boolean keepDerivations, boolean keepOutputs,
                          Set<String> removeRoots, int top) {
        int n = g.size();
        List<String> names = new ArrayList<>(roots.keySet());
        int[] rootNodes = new int[names.size()];
        for (int r = 0; r < rootNodes.length; r++) rootNodes[r] = g.id(roots.get(names.get(r)));
        RootDominators dom = new RootDominators(g, keepDerivations, keepOutputs, rootNodes);
        long total = 0, live = 0;
        int liveCount = 0;
        for (int p = 0; p < n; p++) {
            total += g.narSize(p);
            if (dom.live(p)) { live += g.narSize(p); liveCount++; }
        }
        List<RootImpact> perRoot = new ArrayList<>();
        int[] mark = new int[n], stack = new int[n];
        Map<Integer, long[]> closures = new HashMap<>(); // by root path: two names on one path share it
        for (int r = 0; r < names.size(); r++) {
            int stamp = r + 1, root = r;
            long[] c = rootNodes[r] < 0 ? new long[2]
                    : closures.computeIfAbsent(rootNodes[r], x -> dom.closure(root, mark, stamp, stack));
            perRoot.add(new RootImpact(names.get(r), roots.get(names.get(r)), (int) c[0], c[1],
                    dom.exclusiveCount(r), dom.exclusiveBytes(r)));
        }
        perRoot.sort(Comparator.comparingLong(RootImpact::exclusiveBytes).reversed().thenComparing(RootImpact::name));
        WhatIf whatIf = null;
        if (!removeRoots.isEmpty()) {
            Liveness l = new Liveness(g, keepDerivations, keepOutputs);
            int[] kept = names.stream().filter(nm -> !removeRoots.contains(nm))
                    .mapToInt(nm -> g.id(roots.get(nm))).filter(i -> i >= 0).toArray();
            BitSet after = l.live(kept);
            List<String> die = new ArrayList<>();
            long bytes = 0;
            for (int p = 0; p < n; p++)
                if (dom.live(p) && !after.get(p)) { die.add(g.path(p)); bytes += g.narSize(p); }
            whatIf = new WhatIf(List.copyOf(removeRoots), die, bytes);
        }
        return new Report(n, total, liveCount, live, n - liveCount, total - live, perRoot, whatIf,
                largestDead(g, dom, top));
    }

    /** The {@code top} largest dead paths, largest first, ties by path: one pass with a small sorted buffer. */
    private static List<DeadPath> largestDead(StoreGraph g, RootDominators dom, int top) {
        if (top <= 0) return List.of();
        Comparator<Integer> order = Comparator.comparingLong((Integer p) -> -g.narSize(p)).thenComparing(g::path);
        List<Integer> best = new ArrayList<>(top + 1);
        for (int p = 0; p < g.size(); p++) {
            if (dom.live(p)) continue;
            if (best.size() == top && order.compare(p, best.get(top - 1)) >= 0) continue;
            int at = Collections.binarySearch(best, p, order);
            best.add(at < 0 ? -at - 1 : at, p);
            if (best.size() > top) best.remove(top);
        }
        return best.stream().map(p -> new DeadPath(g.path(p), g.narSize(p))).toList();
    }
}
