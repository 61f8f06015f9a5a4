package org.storelog.projection;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The valid paths of a store view and the edges between them, as int arrays: the whole graph at
 * once for the collector, impact reports and large closures, read in one pass instead of one
 * question per path.
 *
 * <p>Nodes are numbered {@code 0..size()-1} in path order (byte order of the UTF-8 names, equal to
 * {@link String#compareTo} order for store paths, which are ASCII). Three kinds of edges, each as
 * compressed sparse rows ({@code xStart[node] .. xStart[node+1]} index into {@code x}), each row
 * ascending:
 * <ul>
 *   <li>references (edges towards paths that are not valid are left out and counted in
 *       {@link #danglingEdges()});</li>
 *   <li>referrers, the inverse of references, built on first use;</li>
 *   <li>outputs: the valid outputs a valid derivation declares.</li>
 * </ul>
 * Per node: NAR size and the recorded deriver when that is a valid path ({@code -1} otherwise).
 *
 * <p>Instances are immutable; the arrays returned by the accessors are the graph's own and must
 * not be modified.
 */
public final class PackedGraph {
    final long lastApplied;
    final byte[] names;
    final int[] nameStart;
    final long[] narSize;
    final int[] refStart, refs;
    final int[] deriver;
    final int[] outStart, outs;
    final int danglingEdges;
    /** What an LMDB env's graph was read from ({@link GraphScan}); null otherwise. */
    GraphCache.Key key;
    private volatile int[][] referrers; // {start, edges}, built on first use

    PackedGraph(long lastApplied, byte[] names, int[] nameStart, long[] narSize, int[] refStart, int[] refs,
                int[] deriver, int[] outStart, int[] outs, int danglingEdges) {
        this.lastApplied = lastApplied;
        this.names = names;
        this.nameStart = nameStart;
        this.narSize = narSize;
        this.refStart = refStart;
        this.refs = refs;
        this.deriver = deriver;
        this.outStart = outStart;
        this.outs = outs;
        this.danglingEdges = danglingEdges;
    }

    /**
     * Builds the graph from the per-path questions of any view (one {@code info} and, for
     * derivations, one {@code derivationOutputs} per valid path): the reference implementation
     * that bulk readers are checked against.
     */
    public static PackedGraph of(StoreView view) {
        List<String> valid = new ArrayList<>(view.validPaths());
        byte[][] utf8 = new byte[valid.size()][];
        for (int i = 0; i < utf8.length; i++) utf8[i] = valid.get(i).getBytes(StandardCharsets.UTF_8);
        Arrays.sort(utf8, Arrays::compareUnsigned);
        int n = utf8.length;
        Builder b = new Builder(n, view.lastAppliedSequence());
        Map<String, Integer> index = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            b.name(utf8[i]);
            index.put(new String(utf8[i], StandardCharsets.UTF_8), i);
        }
        for (int i = 0; i < n; i++) {
            String p = new String(utf8[i], StandardCharsets.UTF_8);
            RegisteredPath info = view.info(p).orElse(null);
            if (info == null) continue;
            b.narSize[i] = info.narSize();
            if (info.deriver() != null) b.deriver[i] = index.getOrDefault(info.deriver(), -1);
            for (String r : info.references()) {
                Integer j = index.get(r);
                if (j == null) b.dangling++;
                else b.ref(i, j);
            }
            for (String o : view.derivationOutputs(p).values()) {
                Integer j = index.get(o);
                if (j != null) b.out(i, j);
            }
        }
        return b.build();
    }

    /** Sequence number of the last event the graph reflects. */
    public long lastAppliedSequence() { return lastApplied; }

    public int size() { return nameStart.length - 1; }

    /** The store path of a node. */
    public String path(int node) {
        return new String(names, nameStart[node], nameStart[node + 1] - nameStart[node], StandardCharsets.UTF_8);
    }

    /**
     * Writes the paths of {@code nodes}, one per line, through one buffer and without a String
     * per path (tens of thousands of lines for a dead set or a closure).
     */
    public void writeLines(int[] nodes, OutputStream out) throws IOException {
        byte[] buf = new byte[1 << 16];
        int at = 0;
        for (int v : nodes) {
            int from = nameStart[v], len = nameStart[v + 1] - from;
            if (at + len + 1 > buf.length) {
                out.write(buf, 0, at);
                at = 0;
                if (len + 1 > buf.length) buf = new byte[len + 1];
            }
            System.arraycopy(names, from, buf, at, len);
            at += len;
            buf[at++] = '\n';
        }
        out.write(buf, 0, at);
        out.flush();
    }

    /** The node of a valid path, or -1 (binary search over the names). */
    public int node(String path) { return find(names, nameStart, size(), path.getBytes(StandardCharsets.UTF_8)); }

    static int find(byte[] names, int[] nameStart, int n, byte[] key) {
        int lo = 0, hi = n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Arrays.compareUnsigned(names, nameStart[mid], nameStart[mid + 1], key, 0, key.length);
            if (c < 0) lo = mid + 1;
            else if (c > 0) hi = mid - 1;
            else return mid;
        }
        return -1;
    }

    public long narSize(int node) { return narSize[node]; }

    /** NAR sizes by node. */
    public long[] narSizes() { return narSize; }

    /** Recorded deriver of a node when it is a valid path, else -1. */
    public int deriver(int node) { return deriver[node]; }

    /** Number of reference edges towards paths that are not valid (left out of the graph). */
    public int danglingEdges() { return danglingEdges; }

    public int[] refStart() { return refStart; }
    public int[] refs() { return refs; }
    public int[] outStart() { return outStart; }
    public int[] outs() { return outs; }

    public int[] referrerStart() { return referrerRows()[0]; }
    public int[] referrers() { return referrerRows()[1]; }

    private int[][] referrerRows() {
        int[][] r = referrers;
        if (r == null) referrers = r = transpose(refStart, refs);
        return r;
    }

    /** The inverse of a CSR adjacency; rows come out ascending because sources are visited in order. */
    static int[][] transpose(int[] start, int[] edges) {
        int n = start.length - 1;
        int[] tStart = new int[n + 1];
        for (int e : edges) tStart[e + 1]++;
        for (int i = 0; i < n; i++) tStart[i + 1] += tStart[i];
        int[] fill = Arrays.copyOf(tStart, n);
        int[] t = new int[edges.length];
        for (int from = 0; from < n; from++)
            for (int e = start[from]; e < start[from + 1]; e++) t[fill[edges[e]]++] = from;
        return new int[][] {tStart, t};
    }

    /**
     * Closure over references ({@code forward}) or referrers of the given nodes, in the order
     * {@code nix-store -q --requisites / --referrers-closure} prints (see {@link ClosureOrder}).
     */
    public int[] closureInNixOrder(int[] start, boolean forward) {
        int[] s = forward ? refStart : referrerStart(), e = forward ? refs : referrers();
        int n = size();
        int[] local = new int[n]; // node → 1 + position in the member list; 0 = not reached
        int[] members = new int[Math.max(16, start.length)];
        int count = 0;
        int[] stack = new int[Math.max(16, start.length)];
        int sp = 0;
        for (int v : start)
            if (local[v] == 0) {
                if (count == members.length) members = Arrays.copyOf(members, count * 2);
                members[count++] = v;
                local[v] = count;
                if (sp == stack.length) stack = Arrays.copyOf(stack, sp * 2);
                stack[sp++] = v;
            }
        while (sp > 0) {
            int v = stack[--sp];
            for (int k = s[v]; k < s[v + 1]; k++) {
                int w = e[k];
                if (local[w] != 0) continue;
                if (count == members.length) members = Arrays.copyOf(members, count * 2);
                members[count++] = w;
                local[w] = count;
                if (sp == stack.length) stack = Arrays.copyOf(stack, sp * 2);
                stack[sp++] = w;
            }
        }
        // Nix's order (ClosureOrder): depth-first over the members in path order, which is node
        // order; children are the references inside the set, ascending, self excluded; post-order.
        int[] byRank = Arrays.copyOf(members, count);
        Arrays.sort(byRank);
        boolean[] visited = new boolean[n];
        int[] order = new int[count];
        int written = 0;
        int[] nodeStack = new int[count], posStack = new int[count];
        for (int root : byRank) {
            if (visited[root]) continue;
            visited[root] = true;
            int depth = 0;
            nodeStack[0] = root;
            posStack[0] = refStart[root];
            while (depth >= 0) {
                int v = nodeStack[depth];
                int next = -1;
                while (posStack[depth] < refStart[v + 1]) {
                    int c = refs[posStack[depth]++];
                    if (c != v && local[c] != 0 && !visited[c]) { next = c; break; }
                }
                if (next >= 0) {
                    visited[next] = true;
                    nodeStack[++depth] = next;
                    posStack[depth] = refStart[next];
                } else {
                    order[written++] = v;
                    depth--;
                }
            }
        }
        return order;
    }

    /**
     * As {@link StoreView#referrersClosure} / {@link StoreView#requisites}, when every start path
     * is a node; {@code null} otherwise (the caller falls back to its own walk).
     */
    public List<String> closure(Collection<String> paths, boolean forward) {
        LinkedHashSet<String> distinct = new LinkedHashSet<>(paths);
        int[] start = new int[distinct.size()];
        int i = 0;
        for (String p : distinct) if ((start[i++] = node(p)) < 0) return null;
        int[] order = closureInNixOrder(start, forward);
        List<String> out = new ArrayList<>(order.length);
        for (int v : order) out.add(path(v));
        return out;
    }

    /** Collects names and edges in any order, then packs them into sorted rows. */
    static final class Builder {
        final long lastApplied;
        final long[] narSize;
        final int[] deriver;
        private byte[] names = new byte[1 << 12];
        private final int[] nameStart;
        private int nodes, nameBytes;
        private long[] refEdges = new long[1 << 10], outEdges = new long[1 << 6];
        private int refCount, outCount;
        int dangling;

        Builder(int n, long lastApplied) {
            this.lastApplied = lastApplied;
            narSize = new long[n];
            deriver = new int[n];
            Arrays.fill(deriver, -1);
            nameStart = new int[n + 1];
        }

        /** Appends the next node's name (names come in path order). */
        void name(byte[] b) { name(b, 0, b.length); }

        void name(byte[] b, int off, int len) {
            if (nameBytes + len > names.length) names = Arrays.copyOf(names, Math.max(names.length * 2, nameBytes + len));
            System.arraycopy(b, off, names, nameBytes, len);
            nameBytes += len;
            nameStart[++nodes] = nameBytes;
        }

        /** Node of a name among those appended so far, or -1. */
        int node(byte[] key) { return find(names, nameStart, nodes, key); }

        void ref(int from, int to) {
            if (refCount == refEdges.length) refEdges = Arrays.copyOf(refEdges, refCount * 2);
            refEdges[refCount++] = (long) from << 32 | to;
        }

        void out(int drv, int output) {
            if (outCount == outEdges.length) outEdges = Arrays.copyOf(outEdges, outCount * 2);
            outEdges[outCount++] = (long) drv << 32 | output;
        }

        PackedGraph build() {
            int n = narSize.length;
            if (nodes != n) throw new IllegalStateException("expected " + n + " names, got " + nodes);
            int[][] r = rows(n, refEdges, refCount), o = rows(n, outEdges, outCount);
            return new PackedGraph(lastApplied, Arrays.copyOf(names, nameBytes), nameStart, narSize, r[0], r[1], deriver,
                    o[0], o[1], dangling);
        }

        /** Edges (from ≪ 32 | to) to ascending, duplicate-free rows: a counting pass by source, then each row sorted. */
        private static int[][] rows(int n, long[] edges, int count) {
            int[] start = new int[n + 1];
            for (int i = 0; i < count; i++) start[(int) (edges[i] >>> 32) + 1]++;
            for (int i = 0; i < n; i++) start[i + 1] += start[i];
            int[] fill = Arrays.copyOf(start, n);
            int[] to = new int[count];
            for (int i = 0; i < count; i++) to[fill[(int) (edges[i] >>> 32)]++] = (int) edges[i];
            int m = 0;
            for (int v = 0; v < n; v++) {
                int a = start[v], b = start[v + 1];
                Arrays.sort(to, a, b);
                start[v] = m;
                for (int k = a; k < b; k++) if (k == a || to[k] != to[k - 1]) to[m++] = to[k];
            }
            start[n] = m;
            return new int[][] {start, m == count ? to : Arrays.copyOf(to, m)};
        }
    }
}
