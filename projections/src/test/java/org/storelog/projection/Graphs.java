package org.storelog.projection;

import java.util.ArrayList;
import java.util.List;

/** Test helper: a {@link PackedGraph} spelled out with paths, so two graphs compare with assertEquals. */
final class Graphs {
    private Graphs() {}

    /** One line per node: path, size, deriver, references, outputs; then the dangling edge count. */
    static List<String> describe(PackedGraph g) {
        List<String> out = new ArrayList<>();
        for (int v = 0; v < g.size(); v++) {
            StringBuilder sb = new StringBuilder(g.path(v)).append(" size=").append(g.narSize(v));
            sb.append(" deriver=").append(g.deriver(v) < 0 ? "-" : g.path(g.deriver(v)));
            sb.append(" refs=").append(row(g, g.refStart(), g.refs(), v));
            sb.append(" referrers=").append(row(g, g.referrerStart(), g.referrers(), v));
            sb.append(" outs=").append(row(g, g.outStart(), g.outs(), v));
            if (g.node(g.path(v)) != v) sb.append(" NOT FOUND BY NAME");
            out.add(sb.toString());
        }
        out.add("dangling=" + g.danglingEdges());
        return out;
    }

    private static List<String> row(PackedGraph g, int[] start, int[] edges, int v) {
        List<String> r = new ArrayList<>();
        for (int e = start[v]; e < start[v + 1]; e++) r.add(g.path(edges[e]));
        return r;
    }
}
