package org.storelog.projection;

import static org.lmdbjava.DbiFlags.MDB_CREATE;
import static org.lmdbjava.DbiFlags.MDB_DUPFIXED;
import static org.lmdbjava.DbiFlags.MDB_DUPSORT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.LmdbException;
import org.lmdbjava.SeekOp;
import org.lmdbjava.Txn;
import org.storelog.domain.event.LoggedEvent;

/**
 * The store view in LMDB (lmdbjava), folded from the event log; one directory holds the env.
 *
 * <p>Store paths are interned: each gets a 64-bit id (big-endian, in order of first appearance in
 * the log, so a replay assigns the same ids as incremental folding). DBIs:
 * <pre>
 * meta       "lastApplied" → i64, "nextId" → i64        written in every write txn with the data
 * pathId     path (UTF-8)  → id
 * pathName   id            → path (UTF-8)
 * info       id            → {@link LmdbCodec.Info}      present ⇔ path valid
 * refs       id            → id   (dupsort, dupfixed)    references
 * referrers  id            → id   (dupsort, dupfixed)    inverse of refs
 * outputs    drvId ‖ name  → id                          declared derivation outputs
 * derivers   outId         → drvId (dupsort, dupfixed)   inverse of outputs
 * roots      name (UTF-8)  → path (UTF-8)
 * history    id            → sequence (dupsort, dupfixed, ascending)
 * results    drvId ‖ 'B'|'C' → last build / last check ({@link LmdbCodec})
 * </pre>
 * Writes happen in one write transaction per batch together with {@code lastApplied}, so a crash
 * never folds an event twice or skips one. A full map is doubled and the batch retried.
 *
 * <p>Open one instance per env directory per process (LMDB's rule). Methods are synchronized.
 */
public final class LmdbProjections implements StoreProjection {
    /** Default initial map size; the map doubles when full. */
    public static final long DEFAULT_MAP_SIZE = 64L << 20;
    /** Events folded per write transaction by {@link #catchUp}. */
    static final int CHUNK = 20_000;
    /** Most events a bulk fold ({@link LmdbBulkFold}) holds in memory; the rest of a catch-up goes in chunks. */
    static final int BULK_MAX = Integer.getInteger("storelog.projection.bulkMax", 4_000_000);
    private static final int MAX_ID_CACHE = 2_000_000;
    private static final byte BUILD = 'B', CHECK = 'C';

    private final Env<ByteBuffer> env;
    private final boolean readOnly;
    private final Dbi<ByteBuffer> meta, pathId, pathName, info, refs, referrers, outputs, derivers, roots,
            history, results;
    private final ByteBuffer lastAppliedKey = utf8Direct("lastApplied");
    private final ByteBuffer nextIdKey = utf8Direct("nextId");
    private final LmdbCodec.Out k1 = new LmdbCodec.Out(512), k2 = new LmdbCodec.Out(512), v = new LmdbCodec.Out(1024);
    /** Write side only: path → id of committed paths (cleared whenever a write txn aborts). */
    private final Map<String, Long> idCache = new HashMap<>();
    private long mapSize;
    /** The env directory (where {@link GraphScan} keeps its cache); null when unknown. */
    private Path dir;
    private PackedGraph lastGraph; // the graph of the last graph() call, reused while current

    private LmdbProjections(Env<ByteBuffer> env, boolean readOnly, long mapSize) {
        this.env = env;
        this.readOnly = readOnly;
        this.mapSize = mapSize;
        DbiFlags[] plain = readOnly ? new DbiFlags[0] : new DbiFlags[] {MDB_CREATE};
        DbiFlags[] dups = readOnly ? new DbiFlags[] {MDB_DUPSORT, MDB_DUPFIXED}
                : new DbiFlags[] {MDB_CREATE, MDB_DUPSORT, MDB_DUPFIXED};
        meta = env.openDbi("meta", plain);
        pathId = env.openDbi("pathId", plain);
        pathName = env.openDbi("pathName", plain);
        info = env.openDbi("info", plain);
        refs = env.openDbi("refs", dups);
        referrers = env.openDbi("referrers", dups);
        outputs = env.openDbi("outputs", plain);
        derivers = env.openDbi("derivers", dups);
        roots = env.openDbi("roots", plain);
        history = env.openDbi("history", dups);
        results = env.openDbi("results", plain);
    }

    /** Opens (creating it if missing) the env in {@code dir} for folding and queries. */
    public static LmdbProjections open(Path dir) { return open(dir, DEFAULT_MAP_SIZE); }

    /**
     * Does ahead, on a spare thread while another opens the env, two pieces of jnr-ffi set-up that
     * the open would otherwise do in turn on its own (~20–30 ms of cold code each): with jnr's
     * reflection invoker (as the launcher runs short commands), the proxy class it makes for
     * lmdbjava's binding interface (the JDK caches it per class loader and interface list, so the
     * open finds it made); and temporary native memory, whose first allocation, in the first LMDB
     * transaction, starts jnr's finalizer thread through reflection.
     */
    public static void prepareNative() {
        if ("false".equals(System.getProperty("jnr.ffi.asm.enabled"))) {
            try {
                Class<?> binding = Class.forName("org.lmdbjava.Library$Lmdb", false, Env.class.getClassLoader());
                java.lang.reflect.Proxy.newProxyInstance(binding.getClassLoader(),
                        new Class<?>[] {binding, jnr.ffi.provider.LoadedLibrary.class}, (proxy, method, args) -> null);
            } catch (ClassNotFoundException | IllegalArgumentException e) {
                // another lmdbjava: nothing made ahead
            }
        }
        jnr.ffi.Memory.allocateTemporary(jnr.ffi.Runtime.getSystemRuntime(), jnr.ffi.NativeType.SLONG);
    }

    /** As {@link #open(Path)}, starting from {@code initialMapSize} bytes if the env is new or smaller. */
    public static LmdbProjections open(Path dir, long initialMapSize) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create projection directory " + dir, e);
        }
        try {
            // MDB_NOTLS: a read transaction's reader slot belongs to the transaction, not to its thread, so
            // threads may come and go (the store is opened on one thread and used on others; a thread
            // that ends after the env is closed would otherwise have LMDB clear a slot in unmapped memory).
            // MDB_NOMETASYNC: a commit fsyncs the data pages but not the meta page, one fsync instead of
            // two (~20-40 ms less per single build). LMDB stays intact: a system crash can only undo the
            // last committed transaction, and the projection then catches up from the log, which is
            // fsynced on every commit.
            Env<ByteBuffer> env = Env.create().setMapSize(initialMapSize).setMaxDbs(16)
                    .open(dir.toFile(), EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOMETASYNC);
            try {
                long size = Math.max(initialMapSize, env.info().mapSize);
                while (true) {
                    try {
                        LmdbProjections p = new LmdbProjections(env, false, size);
                        p.dir = dir;
                        return p;
                    } catch (Env.MapFullException full) { // creating the DBIs did not fit: grow as writes do
                        size *= 2;
                        env.setMapSize(size);
                    }
                }
            } catch (RuntimeException e) {
                env.close();
                throw e;
            }
        } catch (LmdbException e) {
            throw new ProjectionException("cannot open LMDB env in " + dir + ": " + e.getMessage(), -1, e);
        }
    }

    /** Opens an existing env for queries only: no write transaction, no catch-up. */
    public static LmdbProjections openReadOnly(Path dir) {
        if (!Files.isRegularFile(dir.resolve("data.mdb")))
            throw new ProjectionException("no projection in " + dir, -1);
        try {
            Env<ByteBuffer> env = Env.create().setMaxDbs(16).open(dir.toFile(), EnvFlags.MDB_RDONLY_ENV, EnvFlags.MDB_NOTLS);
            try {
                LmdbProjections p = new LmdbProjections(env, true, env.info().mapSize);
                p.dir = dir;
                return p;
            } catch (RuntimeException e) {
                env.close();
                throw e;
            }
        } catch (LmdbException e) {
            throw new ProjectionException("cannot open LMDB env in " + dir + ": " + e.getMessage(), -1, e);
        }
    }

    /** Current map size in bytes (grows by doubling when a write finds the map full). */
    public synchronized long mapSize() { return mapSize; }

    @Override
    public synchronized void close() { env.close(); }

    // ---------------------------------------------------------------- writing

    @Override
    public synchronized void apply(List<LoggedEvent> batch) {
        applyCounting(batch);
    }

    /**
     * Folds in chunks; an env whose data DBIs are all empty (a replay from scratch, a first import)
     * first takes up to {@link #BULK_MAX} events through {@link LmdbBulkFold}: folded in memory,
     * written in key order in one transaction. If the source or an event fails there, the events
     * before it are written (a committed prefix, as with chunks) and the exception propagates.
     */
    @Override
    public synchronized long catchUp(Iterator<LoggedEvent> events) {
        long applied = 0;
        if (!readOnly && events.hasNext() && read(this::isFresh)) applied += bulkFold(events);
        List<LoggedEvent> chunk = new ArrayList<>(CHUNK);
        while (events.hasNext()) {
            chunk.add(events.next());
            if (chunk.size() == CHUNK) { applied += applyCounting(chunk); chunk.clear(); }
        }
        return applied + applyCounting(chunk);
    }

    private long bulkFold(Iterator<LoggedEvent> events) {
        long[] start = read(txn -> new long[] {metaLong(txn, nextIdKey(), 1), metaLong(txn, lastAppliedKey(), -1)});
        LmdbBulkFold bulk = new LmdbBulkFold(start[0], start[1]);
        RuntimeException failure = null;
        try {
            for (long n = 0; n < BULK_MAX && events.hasNext(); n++) bulk.fold(events.next());
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            writeBulk(bulk, start);
        } catch (RuntimeException e) {
            if (failure == null) throw e;
            failure.addSuppressed(e);
        }
        if (failure != null) throw failure;
        return bulk.folded();
    }

    private void writeBulk(LmdbBulkFold bulk, long[] start) {
        if (bulk.folded() == 0) return;
        long used = (env.info().lastPageNumber + 1) * (long) env.stat().pageSize;
        while (mapSize < used + bulk.estimatedBytes()) grow();
        idCache.clear();
        while (true) {
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                if (!isFresh(txn) || metaLong(txn, nextIdKey(), 1) != start[0]
                        || metaLong(txn, lastAppliedKey(), -1) != start[1])
                    throw new ProjectionException("the projection changed during a bulk fold (another process"
                            + " folded into it); nothing of this fold was written, catch up again", -1);
                bulk.write(this, txn);
                txn.commit();
                return;
            } catch (Env.MapFullException full) {
                grow();
            } catch (LmdbException e) {
                throw new ProjectionException("LMDB write failed: " + e, -1, e);
            }
        }
    }

    /** True when every DBI but meta is empty: a bulk fold may then write with MDB_APPEND. */
    private boolean isFresh(Txn<ByteBuffer> txn) {
        for (Dbi<ByteBuffer> d : List.of(pathId, pathName, info, refs, referrers, outputs, derivers, roots, history, results))
            if (d.stat(txn).entries != 0) return false;
        return true;
    }

    private long applyCounting(List<LoggedEvent> batch) {
        if (readOnly) throw new ProjectionException("projection was opened read-only", -1);
        if (batch.isEmpty()) return 0;
        long newest = -1;
        boolean hasNull = false;
        for (LoggedEvent e : batch) {
            if (e == null) hasNull = true;
            else newest = Math.max(newest, e.sequence());
        }
        if (!hasNull && newest <= read(txn -> metaLong(txn, lastAppliedKey(), -1))) {
            for (LoggedEvent e : batch) EventChecks.check(e);
            return 0; // nothing new: no write transaction at all
        }
        // New events are checked inside the write transaction: a bad one aborts it mid-batch.
        while (true) {
            LmdbFold fold = null;
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                fold = new LmdbFold(this, txn);
                long applied = fold.foldAll(batch);
                if (applied > 0) txn.commit();
                return applied;
            } catch (Env.MapFullException full) {
                // forget only the ids this aborted transaction assigned: the cache stays complete
                long firstNew = fold == null ? -1 : fold.firstNewId();
                if (firstNew < 0) idCache.clear();
                else idCache.values().removeIf(id -> id >= firstNew);
                grow();
            } catch (RuntimeException e) {
                idCache.clear();
                if (e instanceof ProjectionException) throw e;
                throw new ProjectionException("LMDB write failed: " + e, -1, e);
            }
        }
    }

    private void grow() {
        long bigger = mapSize * 2;
        env.setMapSize(bigger);
        mapSize = bigger;
    }

    // Low-level access shared with LmdbFold (same package, called under this object's lock).

    Dbi<ByteBuffer> meta() { return meta; }
    Dbi<ByteBuffer> pathIdDbi() { return pathId; }
    Dbi<ByteBuffer> pathNameDbi() { return pathName; }
    Dbi<ByteBuffer> infoDbi() { return info; }
    Dbi<ByteBuffer> refsDbi() { return refs; }
    Dbi<ByteBuffer> referrersDbi() { return referrers; }
    Dbi<ByteBuffer> outputsDbi() { return outputs; }
    Dbi<ByteBuffer> deriversDbi() { return derivers; }
    Dbi<ByteBuffer> rootsDbi() { return roots; }
    Dbi<ByteBuffer> historyDbi() { return history; }
    Dbi<ByteBuffer> resultsDbi() { return results; }
    ByteBuffer lastAppliedKey() { return lastAppliedKey.duplicate(); }
    ByteBuffer nextIdKey() { return nextIdKey.duplicate(); }
    Map<String, Long> idCache() {
        if (idCache.size() > MAX_ID_CACHE) idCache.clear();
        return idCache;
    }
    static byte buildKind() { return BUILD; }
    static byte checkKind() { return CHECK; }

    static ByteBuffer utf8Direct(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    // ---------------------------------------------------------------- reading

    private <R> R read(Function<Txn<ByteBuffer>, R> query) {
        for (int attempt = 0; ; attempt++) {
            try (Txn<ByteBuffer> txn = env.txnRead()) {
                return query.apply(txn);
            } catch (Dbi.MapResizedException resized) {
                if (attempt > 0) throw resized;
                env.setMapSize(0); // another process grew the map: adopt its size
            }
        }
    }

    private long metaLong(Txn<ByteBuffer> txn, ByteBuffer key, long absent) {
        ByteBuffer v = meta.get(txn, key);
        return v == null ? absent : v.getLong(0);
    }

    private long idOf(Txn<ByteBuffer> txn, String path) {
        byte[] b = path.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || b.length > EventChecks.MAX_NAME_BYTES) return -1;
        ByteBuffer got = pathId.get(txn, k1.clear().raw(b).flip());
        return got == null ? -1 : got.getLong(0);
    }

    private String pathOf(Txn<ByteBuffer> txn, long id) {
        ByteBuffer got = pathName.get(txn, k2.clear().i64(id).flip());
        if (got == null) throw new ProjectionException("path id " + id + " has no name (corrupt projection)", -1);
        return LmdbCodec.utf8(got);
    }

    /** Values (8-byte ids or sequence numbers) of a dupsort key, in stored order. */
    private static List<Long> dups(Txn<ByteBuffer> txn, Dbi<ByteBuffer> dbi, ByteBuffer key) {
        List<Long> out = new ArrayList<>();
        try (Cursor<ByteBuffer> c = dbi.openCursor(txn)) {
            if (!c.get(key, GetOp.MDB_SET_KEY)) return out;
            do out.add(c.val().getLong(0)); while (c.seek(SeekOp.MDB_NEXT_DUP));
        }
        return out;
    }

    private List<Long> dupsOf(Txn<ByteBuffer> txn, Dbi<ByteBuffer> dbi, long id) {
        return dups(txn, dbi, k2.clear().i64(id).flip());
    }

    private List<String> sortedPaths(Txn<ByteBuffer> txn, Collection<Long> ids) {
        List<String> out = new ArrayList<>(ids.size());
        for (long id : ids) out.add(pathOf(txn, id));
        Collections.sort(out);
        return out;
    }

    @Override
    public synchronized long lastAppliedSequence() { return read(txn -> metaLong(txn, lastAppliedKey(), -1)); }

    @Override
    public synchronized boolean isValid(String path) {
        return read(txn -> {
            long id = idOf(txn, path);
            return id >= 0 && info.get(txn, k2.clear().i64(id).flip()) != null;
        });
    }

    @Override
    public synchronized List<String> validPaths() {
        return read(txn -> {
            List<Long> ids = new ArrayList<>();
            try (Cursor<ByteBuffer> c = info.openCursor(txn)) {
                for (boolean ok = c.first(); ok; ok = c.next()) ids.add(c.key().getLong(0));
            }
            return List.copyOf(sortedPaths(txn, ids));
        });
    }

    @Override
    public synchronized Optional<RegisteredPath> info(String path) {
        return read(txn -> {
            long id = idOf(txn, path);
            if (id < 0) return Optional.<RegisteredPath>empty();
            ByteBuffer got = info.get(txn, k2.clear().i64(id).flip());
            if (got == null) return Optional.<RegisteredPath>empty();
            LmdbCodec.Info i = LmdbCodec.Info.read(got);
            List<String> r = sortedPaths(txn, dupsOf(txn, refs, id));
            return Optional.of(new RegisteredPath(path, i.narHash(), i.narSize(), r, i.deriver(),
                    i.registrationTime(), i.signatures(), i.ca(), i.origin()));
        });
    }

    @Override
    public synchronized List<String> references(String path) { return edges(path, refs); }

    @Override
    public synchronized List<String> referrers(String path) { return edges(path, referrers); }

    private List<String> edges(String path, Dbi<ByteBuffer> dbi) {
        return read(txn -> {
            long id = idOf(txn, path);
            return id < 0 ? List.<String>of() : List.copyOf(sortedPaths(txn, dupsOf(txn, dbi, id)));
        });
    }

    @Override
    public synchronized List<String> requisites(Collection<String> paths) { return closureInOrder(paths, refs); }

    @Override
    public synchronized List<String> referrersClosure(Collection<String> paths) {
        List<String> bulk = graph().closure(paths, false); // null when a start path is not valid
        return bulk != null ? bulk : closureInOrder(paths, referrers);
    }

    /** The whole graph in one read transaction ({@link GraphScan}), from its cache file when current. */
    @Override
    public synchronized PackedGraph graph() { return lastGraph = read(txn -> GraphScan.load(this, txn, dir, lastGraph)); }

    /**
     * Closure over ids with one cursor, then names, then Nix's order computed on ranks (position of
     * each path in path order). The walk itself sees every reference edge inside the closure (a
     * requisites closure holds all references of its members; a referrers closure all referrers),
     * so the order needs no second pass over LMDB and no string work.
     */
    private List<String> closureInOrder(Collection<String> paths, Dbi<ByteBuffer> direction) {
        boolean forward = direction == refs;
        return read(txn -> {
            // Ids are dense (1 .. nextId-1): the walk keeps its state in arrays indexed by id.
            long idLimit = metaLong(txn, nextIdKey(), 1);
            if (idLimit > Integer.MAX_VALUE) throw new ProjectionException("too many paths for a closure walk", -1);
            int[] local = new int[(int) idLimit]; // id → 1 + position in walk order; 0 = not reached
            IntList order = new IntList(); // ids in walk order
            IntList edgeFrom = new IntList(), edgeTo = new IntList(); // local indices: referrer → reference
            List<String> unknown = new ArrayList<>();
            IntList todo = new IntList();
            for (String p : new java.util.LinkedHashSet<>(paths)) {
                long id = idOf(txn, p);
                if (id < 0 || id >= idLimit) { unknown.add(p); continue; }
                if (local[(int) id] == 0) { order.add((int) id); local[(int) id] = order.size(); todo.add((int) id); }
            }
            try (Cursor<ByteBuffer> walk = direction.openCursor(txn)) {
                while (todo.size() > 0) {
                    int node = todo.pop();
                    if (!walk.get(k2.clear().i64(node).flip(), GetOp.MDB_SET_KEY)) continue;
                    do {
                        int next = (int) walk.val().getLong(0);
                        if (local[next] == 0) { order.add(next); local[next] = order.size(); todo.add(next); }
                        if (forward) { edgeFrom.add(local[node] - 1); edgeTo.add(local[next] - 1); }
                        else { edgeFrom.add(local[next] - 1); edgeTo.add(local[node] - 1); }
                    } while (walk.seek(SeekOp.MDB_NEXT_DUP));
                }
            }
            int known = order.size(), n = known + unknown.size();
            String[] names = new String[n];
            for (int i = 0; i < known; i++) names[i] = pathOf(txn, order.get(i));
            for (int i = 0; i < unknown.size(); i++) names[known + i] = unknown.get(i);
            Integer[] byName = new Integer[n];
            for (int j = 0; j < n; j++) byName[j] = j;
            Arrays.sort(byName, (a, b) -> names[a].compareTo(names[b]));
            int[] rank = new int[n];
            for (int r = 0; r < n; r++) rank[byName[r]] = r;
            // children by rank, as one array cut in slices (compressed sparse rows), each slice sorted
            int[] start = new int[n + 1];
            for (int e = 0; e < edgeFrom.size(); e++) start[rank[edgeFrom.get(e)] + 1]++;
            for (int r = 0; r < n; r++) start[r + 1] += start[r];
            int[] fill = Arrays.copyOf(start, n);
            int[] adj = new int[edgeFrom.size()];
            for (int e = 0; e < edgeFrom.size(); e++) adj[fill[rank[edgeFrom.get(e)]]++] = rank[edgeTo.get(e)];
            for (int r = 0; r < n; r++) Arrays.sort(adj, start[r], start[r + 1]);
            int[] nixOrder = ClosureOrder.nixOrder(n, r -> Arrays.copyOfRange(adj, start[r], start[r + 1]));
            List<String> out = new ArrayList<>(n);
            for (int r : nixOrder) out.add(names[byName[r]]);
            return out;
        });
    }

    /** A growable list of ints (also used as a stack). */
    private static final class IntList {
        private int[] a = new int[64];
        private int n;

        void add(int v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        int get(int i) { return a[i]; }
        int size() { return n; }
        int pop() { return a[--n]; }
    }

    @Override
    public synchronized Optional<String> deriver(String path) {
        return info(path).map(RegisteredPath::deriver);
    }

    @Override
    public synchronized SortedMap<String, String> derivationOutputs(String drvPath) {
        return read(txn -> {
            TreeMap<String, String> out = new TreeMap<>();
            long id = idOf(txn, drvPath);
            if (id < 0) return out;
            List<String> names = new ArrayList<>();
            List<Long> outIds = new ArrayList<>();
            try (Cursor<ByteBuffer> c = outputs.openCursor(txn)) {
                boolean ok = c.get(k2.clear().i64(id).flip(), GetOp.MDB_SET_RANGE);
                while (ok && c.key().getLong(0) == id) {
                    ByteBuffer key = c.key();
                    names.add(LmdbCodec.utf8(key.duplicate().position(8)));
                    outIds.add(c.val().getLong(0));
                    ok = c.next();
                }
            }
            for (int i = 0; i < names.size(); i++) out.put(names.get(i), pathOf(txn, outIds.get(i)));
            return out;
        });
    }

    @Override
    public synchronized List<String> validDerivers(String outputPath) {
        return read(txn -> {
            long id = idOf(txn, outputPath);
            if (id < 0) return List.<String>of();
            List<Long> valid = new ArrayList<>();
            for (long drv : dupsOf(txn, derivers, id))
                if (info.get(txn, k2.clear().i64(drv).flip()) != null) valid.add(drv);
            return List.copyOf(sortedPaths(txn, valid));
        });
    }

    @Override
    public synchronized SortedMap<String, String> roots() {
        return read(txn -> {
            TreeMap<String, String> out = new TreeMap<>();
            try (Cursor<ByteBuffer> c = roots.openCursor(txn)) {
                for (boolean ok = c.first(); ok; ok = c.next()) out.put(LmdbCodec.utf8(c.key()), LmdbCodec.utf8(c.val()));
            }
            return out;
        });
    }

    @Override
    public synchronized List<Long> history(String path) {
        return read(txn -> {
            long id = idOf(txn, path);
            return id < 0 ? List.<Long>of() : List.copyOf(dupsOf(txn, history, id));
        });
    }

    @Override
    public synchronized Optional<BuildResult> lastBuild(String drvPath) {
        return read(txn -> {
            ByteBuffer got = result(txn, drvPath, BUILD);
            return got == null ? Optional.<BuildResult>empty() : Optional.of(LmdbCodec.readBuild(drvPath, got));
        });
    }

    @Override
    public synchronized Optional<CheckResult> lastCheck(String drvPath) {
        return read(txn -> {
            ByteBuffer got = result(txn, drvPath, CHECK);
            return got == null ? Optional.<CheckResult>empty() : Optional.of(LmdbCodec.readCheck(drvPath, got));
        });
    }

    private ByteBuffer result(Txn<ByteBuffer> txn, String drvPath, byte kind) {
        long id = idOf(txn, drvPath);
        return id < 0 ? null : results.get(txn, k2.clear().i64(id).u8(kind).flip());
    }
}
