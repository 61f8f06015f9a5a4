package org.storelog.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ClosureOrderTest {

    /**
     * Nix's topoSort (src/libutil/topo-sort.hh) written the way Nix writes it, recursively, then
     * reversed as nix-store.cc prints it: the reference the iterative version is checked against.
     */
    static List<String> expectedNixOrder(Set<String> items, Function<String, ? extends Collection<String>> refs) {
        TreeSet<String> set = new TreeSet<>(items);
        List<String> sorted = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        for (String i : set) visit(i, set, refs, visited, sorted);
        java.util.Collections.reverse(sorted);          // topoSort's result
        List<String> printed = new ArrayList<>(sorted);
        java.util.Collections.reverse(printed);         // nix-store prints it from the back
        return printed;
    }

    private static void visit(String p, TreeSet<String> set, Function<String, ? extends Collection<String>> refs,
                              Set<String> visited, List<String> sorted) {
        if (!visited.add(p)) return;
        for (String c : new TreeSet<>(refs.apply(p))) if (!c.equals(p) && set.contains(c)) visit(c, set, refs, visited, sorted);
        sorted.add(p);
    }

    @Test
    void nixOrder_equalsRecursiveTopoSortOnRandomDags() {
        Random rnd = new Random(7);
        for (int round = 0; round < 200; round++) {
            int n = 1 + rnd.nextInt(40);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < n; i++) names.add(Log.path("n" + round + "-" + i));
            Map<String, TreeSet<String>> refs = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                TreeSet<String> r = new TreeSet<>();
                for (int j = 0; j < i; j++) if (rnd.nextInt(4) == 0) r.add(names.get(j));
                if (rnd.nextInt(5) == 0) r.add(names.get(i));
                refs.put(names.get(i), r);
            }
            Set<String> items = new HashSet<>();
            for (String s : names) if (rnd.nextInt(3) > 0) items.add(s);
            assertEquals(expectedNixOrder(items, refs::get), ClosureOrder.nixOrder(items, refs::get));
        }
    }

    @Test
    void closure_includesStartAndFollowsEdgesOnce() {
        Map<String, List<String>> next = Map.of("a", List.of("b", "c"), "b", List.of("c", "a"), "c", List.of(), "x", List.of("y"));
        assertEquals(Set.of("a", "b", "c"), ClosureOrder.closure(List.of("a"), next::get));
        assertEquals(Set.of("c"), ClosureOrder.closure(List.of("c"), next::get));
    }
}
