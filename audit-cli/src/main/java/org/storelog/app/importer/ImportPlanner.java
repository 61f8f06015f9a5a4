package org.storelog.app.importer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.storelog.domain.event.StoreEvent;
import org.storelog.domain.event.StoreEvent.DerivationOutputsDeclared;
import org.storelog.domain.event.StoreEvent.Origin;
import org.storelog.domain.event.StoreEvent.PathDeleted;
import org.storelog.domain.event.StoreEvent.PathRegistered;

/**
 * Turns a database snapshot into the events that bring the store up to date with it: only the
 * differences. A path new to the store (or whose NAR hash, size or references changed) is
 * registered; an imported path that the source no longer lists is deleted with reason
 * {@value #VANISHED}. Paths added or built by storelog itself are never deleted by an import.
 */
public final class ImportPlanner {
    public static final String VANISHED = "vanished from source";

    /** What the store currently holds, as the planner needs it. */
    public interface CurrentState {
        /** Valid paths that were registered by an import. */
        Iterable<String> importedValidPaths();

        /** The path's current registration, or null when not valid. */
        PathRegistered registration(String path);

        /** Declared outputs of a derivation (empty when none). */
        Map<String, String> derivationOutputs(String drvPath);
    }

    /** The events of one import, cut into batches of at most {@code batchSize} paths. */
    public record Plan(List<List<StoreEvent>> batches, int registered, int deleted, int unchanged) {}

    public static Plan plan(StoreSnapshot snap, CurrentState current, long now, int batchSize) {
        List<List<StoreEvent>> batches = new ArrayList<>();
        List<StoreEvent> batch = new ArrayList<>();
        int registered = 0, deleted = 0, unchanged = 0;
        for (ImportedPath p : snap.paths().values()) {
            PathRegistered had = current.registration(p.path());
            if (had != null && sameContent(had, p)) {
                unchanged++;
            } else {
                batch.add(new PathRegistered(p.path(), p.narHash(), p.narSize(), p.references(), p.deriver(),
                        p.ca(), p.signatures(), p.registrationTime() > 0 ? p.registrationTime() : now, Origin.IMPORTED));
                registered++;
            }
            Map<String, String> outs = snap.derivationOutputs().get(p.path());
            if (outs != null && !outs.equals(current.derivationOutputs(p.path())))
                batch.add(new DerivationOutputsDeclared(p.path(), outs));
            if (batch.size() >= batchSize) {
                batches.add(batch);
                batch = new ArrayList<>();
            }
        }
        Set<String> gone = new HashSet<>();
        for (String path : current.importedValidPaths())
            if (!snap.paths().containsKey(path)) gone.add(path);
        // Referrers before their references, so no valid path ever refers to a deleted one mid-way.
        for (String path : referrersFirst(gone, current)) {
            PathRegistered had = current.registration(path);
            batch.add(new PathDeleted(path, null, VANISHED, had == null ? 0 : had.narSize()));
            deleted++;
            if (batch.size() >= batchSize) {
                batches.add(batch);
                batch = new ArrayList<>();
            }
        }
        batch.add(new StoreEvent.StoreImported(snap.source(), snap.kind(), registered, deleted, unchanged));
        batches.add(batch);
        return new Plan(batches, registered, deleted, unchanged);
    }

    private static boolean sameContent(PathRegistered had, ImportedPath p) {
        return had.narHash().equals(p.narHash()) && had.narSize() == p.narSize()
                && new HashSet<>(had.references()).equals(new HashSet<>(p.references()))
                && Objects.equals(had.deriver(), p.deriver())
                && new HashSet<>(had.signatures()).equals(new HashSet<>(p.signatures()));
    }

    /** Orders {@code paths} so that a path comes before every path of the set it refers to. */
    private static List<String> referrersFirst(Set<String> paths, CurrentState current) {
        List<String> order = new ArrayList<>(paths.size());
        Set<String> done = new HashSet<>();
        // Post-order over references gives references first; reverse it.
        for (String start : paths.stream().sorted().toList()) {
            if (done.contains(start)) continue;
            ArrayList<Object[]> stack = new ArrayList<>();
            stack.add(new Object[] {start, 0});
            done.add(start);
            while (!stack.isEmpty()) {
                Object[] top = stack.get(stack.size() - 1);
                PathRegistered reg = current.registration((String) top[0]);
                List<String> refs = reg == null ? List.of() : reg.references();
                int i = (int) top[1];
                if (i < refs.size()) {
                    top[1] = i + 1;
                    String r = refs.get(i);
                    if (paths.contains(r) && done.add(r)) stack.add(new Object[] {r, 0});
                } else {
                    order.add((String) top[0]);
                    stack.remove(stack.size() - 1);
                }
            }
        }
        java.util.Collections.reverse(order);
        return order;
    }
}
