package org.storelog.app.gc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.storelog.app.Store;
import org.storelog.app.StoreException;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;
import org.storelog.projection.StoreView;
import org.storelog.sandbox.OutputCanonicalizer;

/**
 * The sweep of a standalone store (Nix's {@code collectGarbage} in src/libstore/gc.cc, without
 * its concurrency with running builds: the caller holds the log's writer lock, so no path is
 * registered or rooted while liveness is computed and applied).
 *
 * <p>Crash safety: every {@code PathDeleted} is committed before the files go, so the projection
 * never calls a deleted path valid. A crash leaves at worst files of invalid paths and a sweep
 * without {@code GcSweepCompleted}; {@link #recover} removes the former and closes the latter.
 */
public final class Collector {
    public static final String REASON = "unreachable from every root";

    /** What one sweep did (or, for a dry run, would do). */
    public record SweepResult(String sweepId, List<String> dead, long deadBytes, int deletedCount,
                              long freedBytes, boolean complete, int leftoversRemoved, List<String> closedSweeps) {}

    private Collector() {}

    /** The dead paths of a graph in path order ({@code ids} are graph ids) and their total NAR size. */
    public record DeadSet(StoreGraph graph, int[] ids, long bytes) {
        /** Prints the dead paths one per line, as {@code nix-store --gc --print-dead} does (in path order). */
        public void print(java.io.OutputStream out) throws java.io.IOException { graph.writeLines(ids, out); }
    }

    /** The dead set of a view, without a string per path (for dry runs of large stores). */
    public static DeadSet deadSet(StoreView view, boolean keepDerivations, boolean keepOutputs) {
        StoreGraph g = StoreGraph.of(view);
        Liveness l = new Liveness(g, keepDerivations, keepOutputs);
        BitSet dead = l.dead(l.rootIds(view.roots().values()));
        int[] ids = dead.stream().toArray();
        long bytes = 0;
        for (int id : ids) bytes += g.narSize(id);
        return new DeadSet(g, ids, bytes);
    }

    /** Dead paths of the current view, referrers first. */
    public static List<String> deadPaths(Store store, boolean keepDerivations, boolean keepOutputs) {
        Liveness l = new Liveness(StoreGraph.of(store.view()), keepDerivations, keepOutputs);
        int[] order = l.deletionOrder(l.dead(l.rootIds(store.view().roots().values())));
        List<String> out = new ArrayList<>(order.length);
        for (int id : order) out.add(l.graph().path(id));
        return out;
    }

    /**
     * Runs a sweep on a store opened for writing. {@code maxFreed} &lt; 0 means no limit; the sweep
     * stops after the deletion that reaches it (as Nix's {@code --max-freed}).
     */
    public static SweepResult sweep(Store store, boolean keepDerivations, boolean keepOutputs, long maxFreed, boolean dryRun) {
        StoreGraph g = StoreGraph.of(store.view());
        Liveness l = new Liveness(g, keepDerivations, keepOutputs);
        BitSet dead = l.dead(l.rootIds(store.view().roots().values()));
        int[] order = l.deletionOrder(dead);
        List<String> deadPaths = new ArrayList<>(order.length);
        long deadBytes = 0;
        for (int id : order) { deadPaths.add(g.path(id)); deadBytes += g.narSize(id); }
        if (dryRun) return new SweepResult(null, deadPaths, deadBytes, 0, 0, true, 0, List.of());
        store.requireStandalone("deleting store paths ('audit gc')");
        List<String> closed = closeUnfinishedSweeps(store);
        String[] why = causes(store, g, dead);
        int leftovers = removeLeftovers(store);
        String sweepId = UUID.randomUUID().toString();
        store.commit(List.of(new StoreEvent.GcSweepStarted(sweepId, keepDerivations, keepOutputs, maxFreed,
                order.length, deadBytes)));
        long freed = 0;
        int deleted = 0;
        for (int id : order) {
            if (maxFreed >= 0 && freed >= maxFreed) break;
            String p = g.path(id);
            store.commit(List.of(new StoreEvent.PathDeleted(p, sweepId, why[id], g.narSize(id))));
            removeFiles(store.config().physical(p));
            freed += g.narSize(id);
            deleted++;
        }
        boolean complete = deleted == order.length;
        store.commit(List.of(new StoreEvent.GcSweepCompleted(sweepId, freed, deleted, complete)));
        return new SweepResult(sweepId, deadPaths, deadBytes, deleted, freed, complete, leftovers, closed);
    }

    /**
     * For each dead path, the reason recorded with its deletion: the most recent root removal whose
     * root's closure (in the current graph) contains it, i.e. the removal that made it dead.
     */
    static String[] causes(Store store, StoreGraph g, BitSet dead) {
        List<LoggedEvent> removals = new ArrayList<>();
        try (Stream<LoggedEvent> s = store.log().read(0)) {
            s.filter(le -> le.event() instanceof StoreEvent.RootRemoved).forEach(removals::add);
        }
        String[] why = new String[g.size()];
        int[] stack = new int[Math.max(16, g.size())];
        for (int i = removals.size() - 1; i >= 0; i--) {
            LoggedEvent le = removals.get(i);
            StoreEvent.RootRemoved rr = (StoreEvent.RootRemoved) le.event();
            int start = g.id(rr.path());
            if (start < 0 || !dead.get(start) || why[start] != null) continue;
            String text = REASON + " since root '" + rr.name() + "' was removed (event #" + le.sequence() + ", "
                    + java.time.Instant.ofEpochMilli(le.timestamp()) + ")";
            int sp = 0;
            why[start] = text;
            stack[sp++] = start;
            while (sp > 0) {
                int p = stack[--sp];
                for (int e = g.refStart[p]; e < g.refStart[p + 1]; e++) {
                    int q = g.refs[e];
                    if (dead.get(q) && why[q] == null) { why[q] = text; stack[sp++] = q; }
                }
            }
        }
        for (int p = dead.nextSetBit(0); p >= 0; p = dead.nextSetBit(p + 1))
            if (why[p] == null) why[p] = REASON + " (no removed root ever reached it)";
        return why;
    }

    /** Records {@code GcSweepCompleted(complete=false)} for sweeps a crash left open; returns their ids. */
    public static List<String> closeUnfinishedSweeps(Store store) {
        Set<String> open = new LinkedHashSet<>();
        java.util.Map<String, long[]> progress = new java.util.HashMap<>();
        try (Stream<LoggedEvent> s = store.log().read(0)) {
            s.forEach(le -> {
                switch (le.event()) {
                    case StoreEvent.GcSweepStarted st -> { open.add(st.sweepId()); progress.put(st.sweepId(), new long[2]); }
                    case StoreEvent.PathDeleted pd when pd.sweepId() != null && progress.containsKey(pd.sweepId()) -> {
                        long[] a = progress.get(pd.sweepId());
                        a[0] += pd.narSize();
                        a[1]++;
                    }
                    case StoreEvent.GcSweepCompleted c -> open.remove(c.sweepId());
                    default -> { }
                }
            });
        }
        List<StoreEvent> batch = new ArrayList<>();
        for (String id : open) {
            long[] a = progress.get(id);
            batch.add(new StoreEvent.GcSweepCompleted(id, a[0], (int) a[1], false));
        }
        if (!batch.isEmpty()) store.commit(batch);
        return List.copyOf(open);
    }

    /** Deletes entries of the physical store that are not valid paths (left by an interrupted sweep). */
    public static int removeLeftovers(Store store) {
        if (store.config().attached()) return 0;
        Path dir = Path.of(store.config().physicalStore());
        String storeDir = store.config().storeDir();
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) return;
                if (!store.view().isValid(storeDir + "/" + name)) stale.add(p);
            });
        } catch (IOException e) {
            throw new StoreException(1, "cannot list " + dir + ": " + e.getMessage(), e);
        }
        for (Path p : stale) removeFiles(p);
        return stale.size();
    }

    private static void removeFiles(Path p) {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        OutputCanonicalizer.makeWritable(p);
        OutputCanonicalizer.delete(p);
    }
}
