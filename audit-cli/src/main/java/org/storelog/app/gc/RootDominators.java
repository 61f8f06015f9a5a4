package org.storelog.app.gc;

import java.util.Arrays;

/**
 * Exclusive sizes of every root at once, from the dominator tree of the collector's graph.
 *
 * <p>The graph: the store paths with the collector's edges ({@link Liveness}: references, and
 * per the keep options output → deriver and derivation → outputs), one virtual node per root
 * name with an edge to its path, and a virtual super-root with an edge to each root node. A path
 * is exclusive to root {@code r} (no other root keeps it live) exactly when {@code r}'s node
 * dominates it: every route from the super-root enters through some root node, and root nodes
 * have no other way in. So a root's exclusive set is its subtree in the dominator tree, and one
 * bottom-up pass sums all of them. Two root names on the same path dominate nothing, as neither
 * path is exclusive to one of them. Dominators are computed with the iterative algorithm of
 * Cooper, Harvey and Kennedy ("A Simple, Fast Dominance Algorithm", 2001) over reverse postorder.
 */
final class RootDominators {
    private final int n, k, superRoot;
    private final int[] start, adj; // successors of every node (paths, root nodes, super-root)
    private final int[] postNumber; // -1: not reachable from the super-root
    private final int[] rpo;
    private final int[] idom;
    private final long[] subtreeBytes;
    private final int[] subtreeCount;
    private final long[] narSize;

    /** {@code rootPaths[i]} is the node of root i's path, or -1 when it is not a valid path. */
    RootDominators(StoreGraph g, boolean keepDerivations, boolean keepOutputs, int[] rootPaths) {
        n = g.size();
        k = rootPaths.length;
        superRoot = n + k;
        narSize = g.narSize;
        int total = n + k + 1;
        // 1. one adjacency over all nodes
        start = new int[total + 1];
        for (int p = 0; p < n; p++) {
            int d = g.refStart[p + 1] - g.refStart[p];
            if (keepDerivations && g.keptDeriver[p] >= 0) d++;
            if (keepOutputs) d += g.outStart[p + 1] - g.outStart[p];
            start[p + 1] = start[p] + d;
        }
        for (int i = 0; i < k; i++) start[n + i + 1] = start[n + i] + (rootPaths[i] >= 0 ? 1 : 0);
        start[total] = start[superRoot] + k;
        adj = new int[start[total]];
        for (int p = 0; p < n; p++) {
            int e = start[p];
            for (int x = g.refStart[p]; x < g.refStart[p + 1]; x++) adj[e++] = g.refs[x];
            if (keepDerivations && g.keptDeriver[p] >= 0) adj[e++] = g.keptDeriver[p];
            if (keepOutputs) for (int x = g.outStart[p]; x < g.outStart[p + 1]; x++) adj[e++] = g.outs[x];
        }
        for (int i = 0; i < k; i++) if (rootPaths[i] >= 0) adj[start[n + i]] = rootPaths[i];
        for (int i = 0; i < k; i++) adj[start[superRoot] + i] = n + i;
        // 2. depth-first from the super-root: postorder numbers and reverse postorder
        postNumber = new int[total];
        Arrays.fill(postNumber, -1);
        boolean[] entered = new boolean[total];
        int[] order = new int[total];
        int done = 0;
        int[] stack = new int[total], pos = new int[total];
        int sp = 0;
        stack[sp] = superRoot;
        pos[sp++] = start[superRoot];
        entered[superRoot] = true;
        while (sp > 0) {
            int v = stack[sp - 1];
            if (pos[sp - 1] < start[v + 1]) {
                int w = adj[pos[sp - 1]++];
                if (!entered[w]) { entered[w] = true; stack[sp] = w; pos[sp++] = start[w]; }
            } else {
                postNumber[v] = done;
                order[done++] = v;
                sp--;
            }
        }
        rpo = new int[done];
        for (int i = 0; i < done; i++) rpo[i] = order[done - 1 - i];
        // 3. predecessors among reachable nodes
        int[] pStart = new int[total + 1];
        for (int v : rpo) for (int e = start[v]; e < start[v + 1]; e++) pStart[adj[e] + 1]++;
        for (int i = 0; i < total; i++) pStart[i + 1] += pStart[i];
        int[] fill = Arrays.copyOf(pStart, total);
        int[] preds = new int[pStart[total]];
        for (int v : rpo) for (int e = start[v]; e < start[v + 1]; e++) preds[fill[adj[e]]++] = v;
        // 4. immediate dominators, iterated to a fixed point
        idom = new int[total];
        Arrays.fill(idom, -1);
        idom[superRoot] = superRoot;
        for (boolean changed = true; changed; ) {
            changed = false;
            for (int i = 1; i < rpo.length; i++) {
                int v = rpo[i];
                int nd = -1;
                for (int e = pStart[v]; e < pStart[v + 1]; e++) {
                    int p = preds[e];
                    if (idom[p] < 0) continue;
                    nd = nd < 0 ? p : intersect(p, nd);
                }
                if (nd != idom[v]) { idom[v] = nd; changed = true; }
            }
        }
        // 5. subtree sums, children before parents (reverse of reverse postorder)
        subtreeBytes = new long[total];
        subtreeCount = new int[total];
        for (int i = rpo.length - 1; i > 0; i--) {
            int v = rpo[i];
            if (v < n) { subtreeBytes[v] += g.narSize(v); subtreeCount[v]++; }
            subtreeBytes[idom[v]] += subtreeBytes[v];
            subtreeCount[idom[v]] += subtreeCount[v];
        }
    }

    private int intersect(int a, int b) {
        while (a != b) {
            while (postNumber[a] < postNumber[b]) a = idom[a];
            while (postNumber[b] < postNumber[a]) b = idom[b];
        }
        return a;
    }

    /** Paths only root {@code i} keeps live. */
    int exclusiveCount(int i) { return subtreeCount[n + i]; }

    long exclusiveBytes(int i) { return subtreeBytes[n + i]; }

    /** Whether path {@code p} is live (reachable from some root). */
    boolean live(int p) { return postNumber[p] >= 0; }

    /**
     * Count and bytes of root {@code i}'s closure; {@code mark} is scratch of length ≥ size with
     * values below {@code stamp}, {@code stack} scratch of the same length.
     */
    long[] closure(int i, int[] mark, int stamp, int[] stack) {
        int sp = 0;
        for (int e = start[n + i]; e < start[n + i + 1]; e++) {
            int r = adj[e];
            if (mark[r] != stamp) { mark[r] = stamp; stack[sp++] = r; }
        }
        long count = 0, bytes = 0;
        while (sp > 0) {
            int v = stack[--sp];
            count++;
            bytes += narSize[v];
            for (int e = start[v]; e < start[v + 1]; e++) {
                int w = adj[e];
                if (mark[w] != stamp) { mark[w] = stamp; stack[sp++] = w; }
            }
        }
        return new long[] {count, bytes};
    }
}
