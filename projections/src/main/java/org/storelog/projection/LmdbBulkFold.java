package org.storelog.projection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.PutFlags;
import org.lmdbjava.Txn;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent.*;

/**
 * The fold of {@link LmdbFold} for an env whose data DBIs are all empty (a replay from scratch, the
 * first import into a new store): the events are folded into plain arrays first, then every DBI is
 * written once, in key order, with {@code MDB_APPEND} (and {@code MDB_MULTIPLE} for the dupsort
 * DBIs), in one write transaction. Same fold rules, same ids (in order of first appearance, interned
 * in the same order as {@link LmdbFold} does), same keys and values: the result is byte for byte
 * what folding the same events incrementally gives.
 *
 * <p>Referrers and derivers are not folded at all: they are the inverse of refs and outputs, which is
 * what the incremental fold maintains event by event, so they are computed once at the end.
 */
final class LmdbBulkFold {
    private static final int[] NO_REFS = new int[0];

    private final int firstId;
    private long lastApplied;
    private final PathTable names = new PathTable();
    /** Indexed by id - firstId: encoded {@link LmdbCodec.Info} (null = not valid), sorted unique references. */
    /** Sized to {@code storelog.projection.bulkInitialCapacity} paths (default 1024; tests make it tiny), doubled as paths are interned. */
    private byte[][] info;
    private int[][] refs;
    /** (id, sequence) pairs of the history DBI, in fold order (so ascending sequence per id). */
    private int[] histIds = new int[1024];
    private long[] histSeqs = new long[1024];
    private int histSize;
    private final HashMap<Integer, TreeMap<String, Integer>> outputs = new HashMap<>();
    private final TreeMap<String, String> roots = new TreeMap<>();
    private final HashMap<Long, byte[]> results = new HashMap<>();
    private final LmdbCodec.Out scratch = new LmdbCodec.Out(512);
    private long folded;

    /**
     * @param nextId      the env's next id (meta), 1 for a new env
     * @param lastApplied the env's last applied sequence (-1 for none); older events are skipped
     */
    LmdbBulkFold(long nextId, long lastApplied) {
        if (nextId > Integer.MAX_VALUE) throw new ProjectionException("path id beyond 2^31", -1);
        this.firstId = (int) nextId;
        this.lastApplied = lastApplied;
        int capacity = Math.max(1, Integer.getInteger("storelog.projection.bulkInitialCapacity", 1024));
        info = new byte[capacity][];
        refs = new int[capacity][];
    }

    long lastApplied() { return lastApplied; }

    /** Events folded (new ones only). */
    long folded() { return folded; }

    int nextId() { return firstId + names.size(); }

    /** Folds one event (checked first, skipped when not newer than what is applied). */
    void fold(LoggedEvent le) {
        EventChecks.check(le);
        long seq = le.sequence();
        if (seq <= lastApplied) return;
        List<String> subjects = le.event().subjects();
        for (String s : subjects.size() < 2 ? subjects : new LinkedHashSet<>(subjects)) history(intern(s), seq);
        switch (le.event()) {
            case PathRegistered r -> {
                int id = intern(r.path());
                List<String> sigs = r.signatures().size() < 2 ? r.signatures() : List.copyOf(new LinkedHashSet<>(r.signatures()));
                new LmdbCodec.Info(r.narHash(), r.narSize(), r.deriver(), r.registrationTime(), r.origin(), r.ca(), sigs)
                        .write(scratch.clear());
                info[id - firstId] = bytes(scratch);
                // references() may intern new paths and so replace the refs array: index it only after
                int[] to = references(r.references());
                refs[id - firstId] = to;
            }
            case PathDeleted d -> {
                int at = intern(d.path()) - firstId;
                if (info[at] != null) {
                    info[at] = null;
                    refs[at] = null;
                    outputs.remove(at + firstId);
                }
            }
            case ReferenceAdded r -> {
                int at = intern(r.path()) - firstId;
                if (info[at] != null) {
                    int to = intern(r.reference()); // may replace the refs array
                    refs[at] = withRef(refs[at], to);
                }
            }
            case SignatureAdded s -> {
                int at = intern(s.path()) - firstId;
                if (info[at] != null) {
                    LmdbCodec.Info i = LmdbCodec.Info.read(ByteBuffer.wrap(info[at]));
                    if (!i.signatures().contains(s.signature())) {
                        List<String> sigs = new ArrayList<>(i.signatures());
                        sigs.add(s.signature());
                        new LmdbCodec.Info(i.narHash(), i.narSize(), i.deriver(), i.registrationTime(), i.origin(),
                                i.ca(), sigs).write(scratch.clear());
                        info[at] = bytes(scratch);
                    }
                }
            }
            case DerivationOutputsDeclared d -> {
                TreeMap<String, Integer> current = outputs.computeIfAbsent(intern(d.drvPath()), k -> new TreeMap<>());
                for (Map.Entry<String, String> o : new TreeMap<>(d.outputs()).entrySet())
                    current.put(o.getKey(), intern(o.getValue()));
            }
            case RootAdded r -> roots.put(r.name(), r.path());
            case RootRemoved r -> roots.remove(r.name());
            default -> {
                String drv = LmdbFold.resultDrv(le.event());
                if (drv != null) {
                    int id = intern(drv);
                    byte kind = LmdbFold.writeResult(le, scratch.clear());
                    results.put((long) id << 8 | kind, bytes(scratch));
                }
            }
        }
        lastApplied = seq;
        folded++;
    }

    private int intern(String path) {
        int index = names.intern(path);
        if (firstId + (long) index >= Integer.MAX_VALUE) throw new ProjectionException("path id beyond 2^31", -1);
        int id = firstId + index;
        if (names.size() > info.length) {
            info = Arrays.copyOf(info, info.length * 2);
            refs = Arrays.copyOf(refs, refs.length * 2);
        }
        return id;
    }

    private void history(int id, long seq) {
        if (histSize == histIds.length) {
            histIds = Arrays.copyOf(histIds, histSize * 2);
            histSeqs = Arrays.copyOf(histSeqs, histSize * 2);
        }
        histIds[histSize] = id;
        histSeqs[histSize++] = seq;
    }

    /** Ids of the references, interned in list order, then sorted with duplicates collapsed. */
    private int[] references(List<String> refList) {
        if (refList.isEmpty()) return null;
        int[] to = new int[refList.size()];
        for (int i = 0; i < to.length; i++) to[i] = intern(refList.get(i));
        Arrays.sort(to);
        int n = 1;
        for (int i = 1; i < to.length; i++) if (to[i] != to[n - 1]) to[n++] = to[i];
        return n == to.length ? to : Arrays.copyOf(to, n);
    }

    private static int[] withRef(int[] old, int to) {
        int[] cur = old == null ? NO_REFS : old;
        int at = Arrays.binarySearch(cur, to);
        if (at >= 0) return cur;
        int ins = -at - 1;
        int[] out = new int[cur.length + 1];
        System.arraycopy(cur, 0, out, 0, ins);
        out[ins] = to;
        System.arraycopy(cur, ins, out, ins + 1, cur.length - ins);
        return out;
    }

    private static byte[] bytes(LmdbCodec.Out o) {
        ByteBuffer b = o.flip();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** A generous guess of the bytes the writes need (to size the map before the transaction). */
    long estimatedBytes() {
        long total = 0;
        for (int i = 0; i < names.size(); i++) {
            int nameLen = names.name(i).length() * 3;
            total += 2L * (nameLen + 40); // pathId, pathName
            if (info[i] != null) total += info[i].length + 24;
            if (refs[i] != null) total += 2L * (refs[i].length * 8L + 24); // refs, referrers
        }
        total += histSize * 12L + names.size() * 24L;
        for (TreeMap<String, Integer> o : outputs.values()) total += o.size() * 600L;
        total += roots.size() * 900L;
        for (byte[] r : results.values()) total += r.length + 40;
        return total * 2 + (1 << 20);
    }

    /** Writes the folded state into the empty DBIs and meta (the caller commits). */
    void write(LmdbProjections p, Txn<ByteBuffer> txn) {
        if (folded == 0) return;
        int n = names.size();
        LmdbCodec.Out ka = new LmdbCodec.Out(512), val = new LmdbCodec.Out(1 << 16);
        // pathId: keys in byte order
        byte[][] keys = new byte[n][];
        for (int i = 0; i < n; i++) keys[i] = names.name(i).getBytes(StandardCharsets.UTF_8);
        int[] order = KeyOrder.sorted(keys);
        try (Cursor<ByteBuffer> c = p.pathIdDbi().openCursor(txn)) {
            for (int i : order) c.put(ka.clear().raw(keys[i]).flip(), val.clear().i64(firstId + i).flip(), PutFlags.MDB_APPEND);
        }
        try (Cursor<ByteBuffer> c = p.pathNameDbi().openCursor(txn)) {
            for (int i = 0; i < n; i++) c.put(idKey(ka, firstId + i), val.clear().raw(keys[i]).flip(), PutFlags.MDB_APPEND);
        }
        try (Cursor<ByteBuffer> c = p.infoDbi().openCursor(txn)) {
            for (int i = 0; i < n; i++)
                if (info[i] != null) c.put(idKey(ka, firstId + i), val.clear().raw(info[i]).flip(), PutFlags.MDB_APPEND);
        }
        // refs, and referrers as their inverse (a counting sort by target keeps sources ascending)
        int[] count = new int[n + 1];
        long edges = 0;
        try (Cursor<ByteBuffer> c = p.refsDbi().openCursor(txn)) {
            for (int i = 0; i < n; i++) {
                int[] r = refs[i];
                if (r == null) continue;
                val.clear();
                for (int to : r) {
                    val.i64(to);
                    count[to - firstId + 1]++;
                }
                edges += r.length;
                putDups(c, ka, firstId + i, val, r.length);
            }
        }
        if (edges > Integer.MAX_VALUE) throw new ProjectionException("too many references for a bulk fold", -1);
        for (int i = 0; i < n; i++) count[i + 1] += count[i];
        int[] from = new int[(int) edges];
        int[] fill = Arrays.copyOf(count, n);
        for (int i = 0; i < n; i++) {
            int[] r = refs[i];
            if (r != null) for (int to : r) from[fill[to - firstId]++] = firstId + i;
        }
        try (Cursor<ByteBuffer> c = p.referrersDbi().openCursor(txn)) {
            putGroups(c, ka, val, count, e -> from[e]);
        }
        writeHistory(p, txn, ka, val, n);
        writeOutputs(p, txn, ka, val);
        for (Map.Entry<String, String> r : roots.entrySet())
            p.rootsDbi().put(txn, utf8(ka, r.getKey()), utf8(val, r.getValue()));
        for (Map.Entry<Long, byte[]> r : results.entrySet())
            p.resultsDbi().put(txn, ka.clear().i64(r.getKey() >>> 8).u8((int) (r.getKey() & 0xFF)).flip(),
                    val.clear().raw(r.getValue()).flip());
        p.meta().put(txn, p.lastAppliedKey(), val.clear().i64(lastApplied).flip());
        p.meta().put(txn, p.nextIdKey(), val.clear().i64(nextId()).flip());
    }

    private void writeHistory(LmdbProjections p, Txn<ByteBuffer> txn, LmdbCodec.Out ka, LmdbCodec.Out val, int n) {
        int[] count = new int[n + 1];
        for (int i = 0; i < histSize; i++) count[histIds[i] - firstId + 1]++;
        for (int i = 0; i < n; i++) count[i + 1] += count[i];
        long[] seqs = new long[histSize];
        int[] fill = Arrays.copyOf(count, n);
        for (int i = 0; i < histSize; i++) seqs[fill[histIds[i] - firstId]++] = histSeqs[i];
        try (Cursor<ByteBuffer> c = p.historyDbi().openCursor(txn)) {
            putGroups(c, ka, val, count, e -> seqs[e]);
        }
    }

    /**
     * The values of a counting sort by id, one dupsort key per id: id {@code firstId + t} gets
     * {@code value(e)} for {@code e} in {@code start[t]..start[t+1]} (ids without values are skipped).
     */
    private void putGroups(Cursor<ByteBuffer> c, LmdbCodec.Out ka, LmdbCodec.Out val, int[] start,
                           java.util.function.IntToLongFunction value) {
        for (int t = 0; t + 1 < start.length; t++) {
            int k = start[t + 1] - start[t];
            if (k == 0) continue;
            val.clear();
            for (int e = start[t]; e < start[t + 1]; e++) val.i64(value.applyAsLong(e));
            putDups(c, ka, firstId + t, val, k);
        }
    }

    /** Outputs and derivers (their inverse) are few: plain puts. */
    private void writeOutputs(LmdbProjections p, Txn<ByteBuffer> txn, LmdbCodec.Out ka, LmdbCodec.Out val) {
        Dbi<ByteBuffer> outs = p.outputsDbi(), derivers = p.deriversDbi();
        for (Map.Entry<Integer, TreeMap<String, Integer>> d : outputs.entrySet()) {
            for (Map.Entry<String, Integer> o : d.getValue().entrySet()) {
                outs.put(txn, ka.clear().i64(d.getKey()).raw(o.getKey().getBytes(StandardCharsets.UTF_8)).flip(),
                        idKey(val, o.getValue()));
                derivers.put(txn, idKey(ka, o.getValue()), idKey(val, d.getKey()));
            }
        }
    }

    /** The {@code k} 8-byte values in {@code val} under {@code id}, appended after every key written so far. */
    private static void putDups(Cursor<ByteBuffer> c, LmdbCodec.Out ka, long id, LmdbCodec.Out val, int k) {
        ByteBuffer values = val.flip();
        if (k == 1) c.put(idKey(ka, id), values, PutFlags.MDB_APPEND);
        else c.putMultiple(idKey(ka, id), values, k, PutFlags.MDB_MULTIPLE, PutFlags.MDB_APPEND);
    }

    private static ByteBuffer idKey(LmdbCodec.Out o, long id) { return o.clear().i64(id).flip(); }

    private static ByteBuffer utf8(LmdbCodec.Out o, String s) {
        return o.clear().raw(s.getBytes(StandardCharsets.UTF_8)).flip();
    }
}
