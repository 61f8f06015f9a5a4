package org.storelog.app.gc;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;

/**
 * Nix's notion of liveness (src/libstore/gc.cc, Nix 2.8) over a {@link StoreGraph}: a path is live
 * when reachable from a root through references; with keep-derivations a live output keeps the
 * derivation that is both its recorded deriver and declares it; with keep-outputs a live derivation
 * keeps its valid declared outputs. Nix searches from each candidate towards roots; searching
 * forward from the roots over the same edges reversed gives the same set.
 */
public final class Liveness {
    private final StoreGraph g;
    private final boolean keepDerivations;
    private final boolean keepOutputs;

    public Liveness(StoreGraph g, boolean keepDerivations, boolean keepOutputs) {
        this.g = g;
        this.keepDerivations = keepDerivations;
        this.keepOutputs = keepOutputs;
    }

    /** Live set reached from the given root ids (ids &lt; 0 are ignored). */
    public BitSet live(int[] roots) {
        BitSet seen = new BitSet(g.size());
        int[] stack = new int[Math.max(16, g.size())];
        int sp = 0;
        for (int r : roots)
            if (r >= 0 && !seen.get(r)) { seen.set(r); stack[sp++] = r; }
        while (sp > 0) {
            int p = stack[--sp];
            for (int e = g.refStart[p]; e < g.refStart[p + 1]; e++) {
                int q = g.refs[e];
                if (!seen.get(q)) { seen.set(q); stack[sp++] = q; }
            }
            if (keepDerivations) {
                int d = g.keptDeriver[p];
                if (d >= 0 && !seen.get(d)) { seen.set(d); stack[sp++] = d; }
            }
            if (keepOutputs)
                for (int e = g.outStart[p]; e < g.outStart[p + 1]; e++) {
                    int q = g.outs[e];
                    if (!seen.get(q)) { seen.set(q); stack[sp++] = q; }
                }
        }
        return seen;
    }

    /** Ids of the valid root paths among {@code rootPaths}. */
    public int[] rootIds(Collection<String> rootPaths) {
        return rootPaths.stream().mapToInt(g::id).filter(i -> i >= 0).distinct().toArray();
    }

    /** Dead set: every valid path not live. */
    public BitSet dead(int[] roots) {
        BitSet d = live(roots);
        d.flip(0, g.size());
        return d;
    }

    /**
     * Dead ids ordered referrers first: each path comes before every path it references, so a
     * sweep deleting in this order never leaves a valid path referring to a deleted one.
     */
    public int[] deletionOrder(BitSet dead) {
        int n = g.size();
        int[] indeg = new int[n];
        for (int p = dead.nextSetBit(0); p >= 0; p = dead.nextSetBit(p + 1))
            for (int e = g.refStart[p]; e < g.refStart[p + 1]; e++) {
                int q = g.refs[e];
                if (q != p && dead.get(q)) indeg[q]++;
            }
        int[] order = new int[dead.cardinality()];
        int head = 0, tail = 0;
        for (int p = dead.nextSetBit(0); p >= 0; p = dead.nextSetBit(p + 1))
            if (indeg[p] == 0) order[tail++] = p;
        while (head < tail) {
            int p = order[head++];
            for (int e = g.refStart[p]; e < g.refStart[p + 1]; e++) {
                int q = g.refs[e];
                if (q != p && dead.get(q) && --indeg[q] == 0) order[tail++] = q;
            }
        }
        if (tail < order.length) { // reference cycles among dead paths: append the rest
            BitSet placed = new BitSet(n);
            for (int i = 0; i < tail; i++) placed.set(order[i]);
            for (int p = dead.nextSetBit(0); p >= 0; p = dead.nextSetBit(p + 1))
                if (!placed.get(p)) order[tail++] = p;
        }
        return Arrays.copyOf(order, tail);
    }

    public StoreGraph graph() { return g; }
}
