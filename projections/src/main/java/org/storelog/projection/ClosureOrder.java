package org.storelog.projection;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Closures and the order {@code nix-store -q --requisites / --referrers-closure} prints them in.
 *
 * <p>Mirrors Nix's {@code src/libutil/topo-sort.hh} as used by {@code nix-store.cc}: depth-first
 * over the set in path order, children (references, in path order, restricted to the set, self
 * excluded) before the parent; Nix reverses that post-order for {@code topoSortPaths} and
 * {@code nix-store} prints it reversed again, so the printed order is the post-order itself.
 * Nix throws on a cycle; here a path already on the stack is simply not entered again (only
 * synthetic logs can hold cycles other than self-references).
 */
final class ClosureOrder {
    private ClosureOrder() {}

    /** Everything reachable from {@code start} through {@code next}, the start included. */
    static <T> Set<T> closure(Collection<T> start, Function<T, ? extends Collection<T>> next) {
        Set<T> seen = new HashSet<>(start);
        ArrayDeque<T> todo = new ArrayDeque<>(seen);
        while (!todo.isEmpty()) {
            for (T n : next.apply(todo.pop())) if (seen.add(n)) todo.push(n);
        }
        return seen;
    }

    /** Post-order of {@code items} over {@code references}, as nix-store prints. */
    static List<String> nixOrder(Collection<String> items, Function<String, ? extends Collection<String>> references) {
        String[] names = new HashSet<>(items).toArray(String[]::new);
        Arrays.sort(names);
        Map<String, Integer> rank = new HashMap<>(names.length * 2);
        for (int i = 0; i < names.length; i++) rank.put(names[i], i);
        int[] order = nixOrder(names.length, r -> {
            Collection<String> refs = references.apply(names[r]);
            int[] c = new int[refs.size()];
            int n = 0;
            for (String s : refs) {
                Integer k = rank.get(s);
                if (k != null) c[n++] = k;
            }
            int[] out = Arrays.copyOf(c, n);
            Arrays.sort(out);
            return out;
        });
        List<String> out = new ArrayList<>(order.length);
        for (int r : order) out.add(names[r]);
        return out;
    }

    /**
     * The same order on items numbered {@code 0..n-1} in path order; {@code children(r)} gives the
     * ranks of r's references inside the set, ascending.
     */
    static int[] nixOrder(int n, IntFunction<int[]> children) {
        int[] out = new int[n];
        int written = 0;
        boolean[] visited = new boolean[n];
        int[] nodeStack = new int[n];
        int[][] childStack = new int[n][];
        int[] posStack = new int[n];
        for (int root = 0; root < n; root++) {
            if (visited[root]) continue;
            visited[root] = true;
            int depth = 0;
            nodeStack[0] = root;
            childStack[0] = children.apply(root);
            posStack[0] = 0;
            while (depth >= 0) {
                int node = nodeStack[depth];
                int[] cs = childStack[depth];
                int next = -1;
                while (posStack[depth] < cs.length) {
                    int c = cs[posStack[depth]++];
                    if (c != node && !visited[c]) { next = c; break; }
                }
                if (next >= 0) {
                    visited[next] = true;
                    depth++;
                    nodeStack[depth] = next;
                    childStack[depth] = children.apply(next);
                    posStack[depth] = 0;
                } else {
                    out[written++] = node;
                    childStack[depth] = null;
                    depth--;
                }
            }
        }
        return out;
    }
}
