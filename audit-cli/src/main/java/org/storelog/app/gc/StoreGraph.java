package org.storelog.app.gc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.storelog.projection.RegisteredPath;
import org.storelog.projection.StoreView;

/**
 * Integer-indexed snapshot of the valid paths of a store view, for the collector's hot loops:
 * paths are numbered 0..n-1 in sorted order, references are kept as compressed adjacency arrays,
 * and the two extra edge kinds of Nix's collector (src/libstore/gc.cc, Nix 2.8) are precomputed:
 * output → its deriver (keep-derivations) and derivation → its valid outputs (keep-outputs).
 */
public final class StoreGraph {
    final String[] paths;
    final long[] narSize;
    final int[] refStart;
    final int[] refs;
    /** Output → the derivation that declares it and is its recorded deriver, or -1. */
    final int[] keptDeriver;
    final int[] outStart;
    final int[] outs;
    private final Map<String, Integer> index;

    private StoreGraph(String[] paths, long[] narSize, int[] refStart, int[] refs, int[] keptDeriver,
                       int[] outStart, int[] outs, Map<String, Integer> index) {
        this.paths = paths;
        this.narSize = narSize;
        this.refStart = refStart;
        this.refs = refs;
        this.keptDeriver = keptDeriver;
        this.outStart = outStart;
        this.outs = outs;
        this.index = index;
    }

    /** Reads every valid path of {@code view} with its references, size, deriver and outputs. */
    public static StoreGraph of(StoreView view) {
        List<String> valid = view.validPaths();
        int n = valid.size();
        String[] paths = valid.toArray(String[]::new);
        Map<String, Integer> index = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) index.put(paths[i], i);
        long[] size = new long[n];
        int[] refStart = new int[n + 1];
        int[] deriverOf = new int[n];
        Arrays.fill(deriverOf, -1);
        int[] refs = new int[Math.max(16, n * 4)];
        int m = 0;
        for (int i = 0; i < n; i++) {
            refStart[i] = m;
            RegisteredPath info = view.info(paths[i]).orElse(null);
            if (info == null) continue;
            size[i] = info.narSize();
            if (info.deriver() != null) deriverOf[i] = index.getOrDefault(info.deriver(), -1);
            for (String r : info.references()) {
                Integer j = index.get(r);
                if (j == null) continue; // an edge towards an invalid path is not followed
                if (m == refs.length) refs = Arrays.copyOf(refs, m * 2);
                refs[m++] = j;
            }
        }
        refStart[n] = m;
        refs = Arrays.copyOf(refs, m);
        int[] keptDeriver = new int[n];
        Arrays.fill(keptDeriver, -1);
        int[] outStart = new int[n + 1];
        List<int[]> outLists = new ArrayList<>();
        int total = 0;
        int[] outBuf = new int[16];
        int k = 0;
        for (int i = 0; i < n; i++) {
            outStart[i] = k;
            if (!paths[i].endsWith(".drv")) continue;
            for (String o : view.derivationOutputs(paths[i]).values()) {
                Integer j = index.get(o);
                if (j == null) continue;
                if (k == outBuf.length) outBuf = Arrays.copyOf(outBuf, k * 2);
                outBuf[k++] = j;
                if (deriverOf[j] == i) keptDeriver[j] = i;
            }
        }
        outStart[n] = k;
        return new StoreGraph(paths, size, refStart, refs, keptDeriver, outStart, Arrays.copyOf(outBuf, k), index);
    }

    public int size() { return paths.length; }
    public String path(int id) { return paths[id]; }
    public long narSize(int id) { return narSize[id]; }
    /** Id of a valid path, or -1. */
    public int id(String path) { Integer i = index.get(path); return i == null ? -1 : i; }

    int[] referencesOf(int id) { return Arrays.copyOfRange(refs, refStart[id], refStart[id + 1]); }
}
