package org.storelog.app.gc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.storelog.projection.StoreView;

/** Why a path is live: the shortest chain from a root to it over the collector's edges. */
public final class Why {
    /** {@code root} is the root name; {@code chain} starts at the root's path and ends at the path. Empty when dead. */
    public record Chain(String root, List<String> chain) {}

    private Why() {}

    public static java.util.Optional<Chain> chain(StoreView view, String path, boolean keepDerivations, boolean keepOutputs) {
        StoreGraph g = StoreGraph.of(view);
        int target = g.id(path);
        if (target < 0) return java.util.Optional.empty();
        int n = g.size();
        int[] parent = new int[n];
        int[] rootOf = new int[n];
        Arrays.fill(parent, -2);
        int[] queue = new int[n];
        int head = 0, tail = 0;
        List<Map.Entry<String, String>> roots = new ArrayList<>(view.roots().entrySet());
        for (int r = 0; r < roots.size(); r++) {
            int id = g.id(roots.get(r).getValue());
            if (id >= 0 && parent[id] == -2) { parent[id] = -1; rootOf[id] = r; queue[tail++] = id; }
        }
        while (head < tail) {
            int p = queue[head++];
            if (p == target) break;
            int[] next = neighbours(g, p, keepDerivations, keepOutputs);
            for (int q : next)
                if (parent[q] == -2) { parent[q] = p; rootOf[q] = rootOf[p]; queue[tail++] = q; }
        }
        if (parent[target] == -2) return java.util.Optional.empty();
        List<String> chain = new ArrayList<>();
        for (int p = target; p >= 0; p = parent[p]) chain.add(g.path(p));
        Collections.reverse(chain);
        return java.util.Optional.of(new Chain(roots.get(rootOf[target]).getKey(), chain));
    }

    private static int[] neighbours(StoreGraph g, int p, boolean keepDerivations, boolean keepOutputs) {
        int[] refs = g.referencesOf(p);
        int extra = (keepDerivations && g.keptDeriver[p] >= 0 ? 1 : 0) + (keepOutputs ? g.outStart[p + 1] - g.outStart[p] : 0);
        if (extra == 0) return refs;
        int[] all = Arrays.copyOf(refs, refs.length + extra);
        int k = refs.length;
        if (keepDerivations && g.keptDeriver[p] >= 0) all[k++] = g.keptDeriver[p];
        if (keepOutputs) for (int e = g.outStart[p]; e < g.outStart[p + 1]; e++) all[k++] = g.outs[e];
        return all;
    }
}
