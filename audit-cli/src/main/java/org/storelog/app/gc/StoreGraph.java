package org.storelog.app.gc;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.storelog.projection.PackedGraph;
import org.storelog.projection.StoreView;

/**
 * Integer-indexed snapshot of the valid paths of a store view, for the collector's hot loops:
 * paths are numbered 0..n-1 in sorted order, references are kept as compressed adjacency arrays
 * (the view's {@link PackedGraph}, read in bulk), and the two extra edge kinds of Nix's collector
 * (src/libstore/gc.cc, Nix 2.8) are precomputed: output → its deriver (keep-derivations) and
 * derivation → its valid outputs (keep-outputs).
 */
public final class StoreGraph {
    private final PackedGraph packed;
    final long[] narSize;
    final int[] refStart;
    final int[] refs;
    /** Output → the derivation that declares it and is its recorded deriver, or -1. */
    final int[] keptDeriver;
    final int[] outStart;
    final int[] outs;

    private StoreGraph(PackedGraph packed) {
        this.packed = packed;
        int n = packed.size();
        narSize = packed.narSizes();
        refStart = packed.refStart();
        refs = packed.refs();
        outStart = packed.outStart();
        outs = packed.outs();
        keptDeriver = new int[n];
        Arrays.fill(keptDeriver, -1);
        for (int d = 0; d < n; d++)
            for (int e = outStart[d]; e < outStart[d + 1]; e++)
                if (packed.deriver(outs[e]) == d) keptDeriver[outs[e]] = d;
    }

    /** Every valid path of {@code view} with its references, size, deriver and outputs (one bulk read). */
    public static StoreGraph of(StoreView view) { return new StoreGraph(view.graph()); }

    public static StoreGraph of(PackedGraph packed) { return new StoreGraph(packed); }

    public int size() { return narSize.length; }
    public String path(int id) { return packed.path(id); }
    public long narSize(int id) { return narSize[id]; }
    /** Id of a valid path, or -1. */
    public int id(String path) { return packed.node(path); }

    /** Writes the paths of {@code ids}, one per line, without building Strings. */
    public void writeLines(int[] ids, OutputStream out) throws IOException { packed.writeLines(ids, out); }

    int[] referencesOf(int id) { return Arrays.copyOfRange(refs, refStart[id], refStart[id + 1]); }
}
