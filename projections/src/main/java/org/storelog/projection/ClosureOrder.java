package org.storelog.projection;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

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

    /** Post-order of {@code items} over {@code references} (which must answer in path order), as nix-store prints. */
    static List<String> nixOrder(Collection<String> items, Function<String, ? extends Collection<String>> references) {
        TreeSet<String> set = new TreeSet<>(items);
        List<String> out = new ArrayList<>(set.size());
        Set<String> visited = new HashSet<>(set.size() * 2);
        ArrayDeque<String> nodes = new ArrayDeque<>();
        ArrayDeque<Iterator<String>> children = new ArrayDeque<>();
        for (String root : set) {
            if (!visited.add(root)) continue;
            nodes.push(root);
            children.push(references.apply(root).iterator());
            while (!nodes.isEmpty()) {
                String node = nodes.peek();
                Iterator<String> it = children.peek();
                String next = null;
                while (it.hasNext()) {
                    String c = it.next();
                    if (!c.equals(node) && set.contains(c) && visited.add(c)) { next = c; break; }
                }
                if (next != null) {
                    nodes.push(next);
                    children.push(references.apply(next).iterator());
                } else {
                    out.add(nodes.pop());
                    children.pop();
                }
            }
        }
        return out;
    }
}
