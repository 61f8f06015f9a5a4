package org.storelog.projection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.GetOp;
import org.lmdbjava.SeekOp;
import org.lmdbjava.Txn;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent.*;

/**
 * One write transaction's worth of folding into {@link LmdbProjections}: the fold rules of
 * {@link StoreView}, written as LMDB puts and deletes. Reads {@code lastApplied} and {@code nextId}
 * from meta at the start and writes them back at the end, inside the same transaction.
 */
final class LmdbFold {
    private final LmdbProjections p;
    private final Txn<ByteBuffer> txn;
    private final Map<String, Long> idCache;
    private final LmdbCodec.Out ka = new LmdbCodec.Out(512), kb = new LmdbCodec.Out(512), val = new LmdbCodec.Out(512);
    private long nextId;

    LmdbFold(LmdbProjections p, Txn<ByteBuffer> txn) {
        this.p = p;
        this.txn = txn;
        this.idCache = p.idCache();
    }

    /** Folds the new events of {@code batch}; returns how many were new. Does not commit. */
    long foldAll(List<LoggedEvent> batch) {
        long last = metaLong(p.lastAppliedKey(), -1);
        nextId = metaLong(p.nextIdKey(), 1);
        long applied = 0;
        for (LoggedEvent e : batch) {
            EventChecks.check(e);
            if (e.sequence() <= last) continue;
            fold(e);
            last = e.sequence();
            applied++;
        }
        if (applied > 0) {
            p.meta().put(txn, p.lastAppliedKey(), val.clear().i64(last).flip());
            p.meta().put(txn, p.nextIdKey(), val.clear().i64(nextId).flip());
        }
        return applied;
    }

    private long metaLong(ByteBuffer key, long absent) {
        ByteBuffer v = p.meta().get(txn, key);
        return v == null ? absent : v.getLong(0);
    }

    private void fold(LoggedEvent le) {
        long seq = le.sequence();
        for (String s : new LinkedHashSet<>(le.event().subjects()))
            p.historyDbi().put(txn, idKey(ka, intern(s)), val.clear().i64(seq).flip());
        switch (le.event()) {
            case PathRegistered r -> {
                long id = intern(r.path());
                dropReferences(id);
                new LmdbCodec.Info(r.narHash(), r.narSize(), r.deriver(), r.registrationTime(), r.origin(), r.ca(),
                        List.copyOf(new LinkedHashSet<>(r.signatures()))).write(val.clear());
                p.infoDbi().put(txn, idKey(ka, id), val.flip());
                for (String ref : r.references()) addEdge(id, intern(ref));
            }
            case PathDeleted d -> {
                long id = intern(d.path());
                if (p.infoDbi().delete(txn, idKey(ka, id))) {
                    dropReferences(id);
                    dropOutputs(id);
                }
            }
            case ReferenceAdded r -> {
                long id = intern(r.path());
                if (p.infoDbi().get(txn, idKey(ka, id)) != null) addEdge(id, intern(r.reference()));
            }
            case SignatureAdded s -> {
                long id = intern(s.path());
                ByteBuffer got = p.infoDbi().get(txn, idKey(ka, id));
                if (got != null) {
                    LmdbCodec.Info i = LmdbCodec.Info.read(got);
                    if (!i.signatures().contains(s.signature())) {
                        List<String> sigs = new ArrayList<>(i.signatures());
                        sigs.add(s.signature());
                        new LmdbCodec.Info(i.narHash(), i.narSize(), i.deriver(), i.registrationTime(), i.origin(),
                                i.ca(), sigs).write(val.clear());
                        p.infoDbi().put(txn, idKey(ka, id), val.flip());
                    }
                }
            }
            case DerivationOutputsDeclared d -> declareOutputs(intern(d.drvPath()), d.outputs());
            case RootAdded r -> p.rootsDbi().put(txn, utf8(ka, r.name()), utf8(val, r.path()));
            case RootRemoved r -> p.rootsDbi().delete(txn, utf8(ka, r.name()));
            case BuildSucceeded b -> putResult(b.drvPath(), LmdbProjections.buildKind(), o -> LmdbCodec.writeBuild(o,
                    new BuildResult(seq, le.timestamp(), b.drvPath(), b.buildId(), true, b.outputs(), null,
                            b.durationMillis())));
            case BuildFailed b -> putResult(b.drvPath(), LmdbProjections.buildKind(), o -> LmdbCodec.writeBuild(o,
                    new BuildResult(seq, le.timestamp(), b.drvPath(), b.buildId(), false, Map.of(), b.reason(),
                            b.durationMillis())));
            case RebuildCompared c -> putResult(c.drvPath(), LmdbProjections.checkKind(),
                    o -> LmdbCodec.writeCheck(o, new CheckResult(seq, le.timestamp(), c)));
            default -> { }
        }
    }

    private void putResult(String drvPath, byte kind, java.util.function.Consumer<LmdbCodec.Out> writer) {
        long id = intern(drvPath);
        writer.accept(val.clear());
        p.resultsDbi().put(txn, ka.clear().i64(id).u8(kind).flip(), val.flip());
    }

    /** The id of {@code path}, assigning the next one (and writing both directions) if it is new. */
    private long intern(String path) {
        Long cached = idCache.get(path);
        if (cached != null) return cached;
        ByteBuffer key = utf8(kb, path);
        ByteBuffer got = p.pathIdDbi().get(txn, key);
        long id;
        if (got != null) {
            id = got.getLong(0);
        } else {
            id = nextId++;
            ByteBuffer idBuf = val.clear().i64(id).flip();
            p.pathIdDbi().put(txn, key.rewind(), idBuf);
            p.pathNameDbi().put(txn, idBuf.rewind(), key.rewind());
        }
        idCache.put(path, id);
        return id;
    }

    private void addEdge(long from, long to) {
        p.refsDbi().put(txn, idKey(ka, from), idKey(kb, to));
        p.referrersDbi().put(txn, idKey(ka, to), idKey(kb, from));
    }

    private void dropReferences(long id) {
        List<Long> old = dups(p.refsDbi(), idKey(ka, id));
        if (old.isEmpty()) return;
        for (long to : old) p.referrersDbi().delete(txn, idKey(ka, to), idKey(kb, id));
        p.refsDbi().delete(txn, idKey(ka, id));
    }

    /** Output name → output id of a derivation, read by prefix scan of the outputs DBI. */
    private TreeMap<String, Long> outputsOf(long drvId) {
        TreeMap<String, Long> out = new TreeMap<>();
        try (Cursor<ByteBuffer> c = p.outputsDbi().openCursor(txn)) {
            boolean ok = c.get(idKey(ka, drvId), GetOp.MDB_SET_RANGE);
            while (ok && c.key().getLong(0) == drvId) {
                out.put(LmdbCodec.utf8(c.key().duplicate().position(8)), c.val().getLong(0));
                ok = c.next();
            }
        }
        return out;
    }

    private void declareOutputs(long drvId, Map<String, String> declared) {
        TreeMap<String, Long> current = outputsOf(drvId);
        for (Map.Entry<String, String> o : new TreeMap<>(declared).entrySet()) {
            long outId = intern(o.getValue());
            Long old = current.put(o.getKey(), outId);
            ByteBuffer key = ka.clear().i64(drvId).raw(o.getKey().getBytes(StandardCharsets.UTF_8)).flip();
            p.outputsDbi().put(txn, key, idKey(kb, outId));
            if (old != null && old != outId && !current.containsValue(old))
                p.deriversDbi().delete(txn, idKey(ka, old), idKey(kb, drvId));
            p.deriversDbi().put(txn, idKey(ka, outId), idKey(kb, drvId));
        }
    }

    private void dropOutputs(long drvId) {
        TreeMap<String, Long> current = outputsOf(drvId);
        for (Map.Entry<String, Long> o : current.entrySet()) {
            p.outputsDbi().delete(txn, ka.clear().i64(drvId).raw(o.getKey().getBytes(StandardCharsets.UTF_8)).flip());
            p.deriversDbi().delete(txn, idKey(ka, o.getValue()), idKey(kb, drvId));
        }
    }

    private List<Long> dups(Dbi<ByteBuffer> dbi, ByteBuffer key) {
        List<Long> out = new ArrayList<>();
        try (Cursor<ByteBuffer> c = dbi.openCursor(txn)) {
            if (!c.get(key, GetOp.MDB_SET_KEY)) return out;
            do out.add(c.val().getLong(0)); while (c.seek(SeekOp.MDB_NEXT_DUP));
        }
        return out;
    }

    private static ByteBuffer idKey(LmdbCodec.Out o, long id) { return o.clear().i64(id).flip(); }

    private static ByteBuffer utf8(LmdbCodec.Out o, String s) {
        return o.clear().raw(s.getBytes(StandardCharsets.UTF_8)).flip();
    }
}
