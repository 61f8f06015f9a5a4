package org.storelog.projection;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.lmdbjava.Cursor;
import org.lmdbjava.Txn;

/**
 * Reads the whole graph of an {@link LmdbProjections} env in one read transaction, with one cursor
 * pass per DBI ({@code info}, {@code pathId}, {@code refs}, {@code outputs}), straight into a
 * {@link PackedGraph}; no per-path lookups and no strings. The result is cached in
 * {@code graph.cache} next to the env ({@link GraphCache}), keyed by the last applied sequence
 * number and the entry counts, so the next reader maps it instead of scanning.
 */
final class GraphScan {
    static final String CACHE_FILE = "graph.cache";

    private GraphScan() {}

    /** The graph as of {@code txn}: from the cache when it is current, else scanned (and cached when {@code dir} is writable). */
    static PackedGraph load(LmdbProjections p, Txn<ByteBuffer> txn, Path dir, PackedGraph previous) {
        GraphCache.Key key = key(p, txn);
        if (previous != null && key.equals(previous.key)) return previous;
        Path file = dir == null ? null : dir.resolve(CACHE_FILE);
        if (file != null) {
            PackedGraph cached = GraphCache.read(file, key);
            if (cached != null) { cached.key = key; return cached; }
        }
        PackedGraph g = scan(p, txn, key.lastApplied());
        g.key = key;
        if (file != null) GraphCache.write(file, key, g);
        return g;
    }

    static GraphCache.Key key(LmdbProjections p, Txn<ByteBuffer> txn) {
        ByteBuffer la = p.meta().get(txn, p.lastAppliedKey());
        long lastApplied = la == null ? -1 : la.getLong(0);
        ByteBuffer ni = p.meta().get(txn, p.nextIdKey());
        long nextId = ni == null ? 1 : ni.getLong(0);
        return new GraphCache.Key(lastApplied, nextId, p.infoDbi().stat(txn).entries, p.refsDbi().stat(txn).entries,
                p.outputsDbi().stat(txn).entries);
    }

    static PackedGraph scan(LmdbProjections p, Txn<ByteBuffer> txn, long lastApplied) {
        ByteBuffer ni = p.meta().get(txn, p.nextIdKey());
        long idLimit = ni == null ? 1 : ni.getLong(0);
        if (idLimit > Integer.MAX_VALUE - 8) throw new ProjectionException("too many paths for a packed graph", -1);
        int limit = (int) idLimit;
        // 1. info: which ids are valid, their NAR sizes and recorded derivers (as UTF-8 names)
        long[] sizeById = new long[limit];
        boolean[] valid = new boolean[limit];
        byte[][] deriverById = null;
        int n = 0;
        try (Cursor<ByteBuffer> c = p.infoDbi().openCursor(txn)) {
            for (boolean ok = c.first(); ok; ok = c.next()) {
                int id = (int) c.key().getLong(0);
                ByteBuffer v = c.val();
                int version = v.get(0);
                if (version != LmdbCodec.INFO_VERSION)
                    throw new ProjectionException("info record has unknown layout version " + version, -1);
                int at = 1;
                int hashLen = v.getInt(at);
                at += 4 + Math.max(0, hashLen);
                sizeById[id] = v.getLong(at);
                at += 8;
                int drvLen = v.getInt(at);
                if (drvLen > 0) {
                    if (deriverById == null) deriverById = new byte[limit][];
                    byte[] d = new byte[drvLen];
                    v.get(at + 4, d);
                    deriverById[id] = d;
                }
                valid[id] = true;
                n++;
            }
        }
        // 2. pathId in key order: the valid paths in path order, numbered as nodes
        PackedGraph.Builder b = new PackedGraph.Builder(n, lastApplied);
        int[] nodeOf = new int[limit];
        Arrays.fill(nodeOf, -1);
        int[] idOfNode = new int[n];
        byte[] buf = new byte[512];
        int node = 0;
        try (Cursor<ByteBuffer> c = p.pathIdDbi().openCursor(txn)) {
            for (boolean ok = c.first(); ok; ok = c.next()) {
                int id = (int) c.val().getLong(0);
                if (id < 0 || id >= limit || !valid[id]) continue;
                ByteBuffer k = c.key();
                int len = k.remaining();
                if (len > buf.length) buf = new byte[len];
                k.get(k.position(), buf, 0, len);
                b.name(buf, 0, len);
                nodeOf[id] = node;
                idOfNode[node++] = id;
            }
        }
        if (node != n) throw new ProjectionException("projection has " + n + " valid paths but " + node + " names", -1);
        for (int v = 0; v < n; v++) {
            int id = idOfNode[v];
            b.narSize[v] = sizeById[id];
            if (deriverById != null && deriverById[id] != null) b.deriver[v] = b.node(deriverById[id]);
        }
        // 3. refs (dupsort): every edge once, in id order; the builder sorts rows by node
        try (Cursor<ByteBuffer> c = p.refsDbi().openCursor(txn)) {
            for (boolean ok = c.first(); ok; ok = c.next()) {
                int from = nodeOf[(int) c.key().getLong(0)];
                long toId = c.val().getLong(0);
                int to = toId >= 0 && toId < limit ? nodeOf[(int) toId] : -1;
                if (from < 0) continue; // only valid paths hold edges; tolerate strays
                if (to < 0) b.dangling++;
                else b.ref(from, to);
            }
        }
        // 4. outputs: drvId ‖ name → output id
        try (Cursor<ByteBuffer> c = p.outputsDbi().openCursor(txn)) {
            for (boolean ok = c.first(); ok; ok = c.next()) {
                int drv = nodeOf[(int) c.key().getLong(0)];
                long outId = c.val().getLong(0);
                int out = outId >= 0 && outId < limit ? nodeOf[(int) outId] : -1;
                if (drv >= 0 && out >= 0) b.out(drv, out);
            }
        }
        return b.build();
    }
}
