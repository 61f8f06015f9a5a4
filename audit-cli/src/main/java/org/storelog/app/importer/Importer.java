package org.storelog.app.importer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.storelog.app.Progress;
import org.storelog.app.Store;
import org.storelog.app.StoreException;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;
import org.storelog.domain.event.StoreEvent.Origin;
import org.storelog.domain.event.StoreEvent.PathRegistered;
import org.storelog.projection.RegisteredPath;
import org.storelog.projection.StoreView;

/**
 * {@code audit import}: reads a whole store database first (so a malformed one changes nothing),
 * then records only the differences, in atomic batches of 20,000 paths (system property
 * {@code storelog.import.batchPaths} overrides it).
 */
public final class Importer {
    /** Paths per atomic batch; the system property lets crash tests cut an import into many batches. */
    static final int BATCH_PATHS = Integer.getInteger("storelog.import.batchPaths", 20_000);

    private final Store store;

    public Importer(Store store) { this.store = store; }

    public record Report(String source, int registered, int deleted, int unchanged, long firstSeq, long lastSeq,
                         long millis) {
        public String summary() {
            return String.format("imported %s: %,d registered, %,d deleted (vanished from source), %,d unchanged"
                    + " (events #%d..#%d, %.1f s)", source, registered, deleted, unchanged, firstSeq, lastSeq, millis / 1000.0);
        }
    }

    public Report importNixDb(Path db, Progress progress) {
        long t0 = System.currentTimeMillis();
        StoreSnapshot snap;
        try {
            snap = new NixDbReader(db, store.config().storeDir()).read();
        } catch (StoreDatabaseException e) {
            throw new StoreException(64, e.getMessage() + "; nothing was imported", e);
        }
        return apply(snap, progress, t0);
    }

    public Report importDumpDb(Path file, Progress progress) {
        long t0 = System.currentTimeMillis();
        try (InputStream in = file.toString().equals("-") ? System.in : Files.newInputStream(file)) {
            StoreSnapshot snap = new DumpDbParser(file.toString(), store.config().storeDir()).parse(in);
            return apply(snap, progress, t0);
        } catch (StoreDatabaseException e) {
            throw new StoreException(64, e.getMessage() + "; nothing was imported", e);
        } catch (IOException e) {
            throw new StoreException(1, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private Report apply(StoreSnapshot snap, Progress progress, long t0) {
        StoreView view = store.view();
        ImportPlanner.Plan plan = ImportPlanner.plan(snap, new ViewState(view), System.currentTimeMillis() / 1000,
                BATCH_PATHS);
        long first, last;
        progress.total(plan.batches().stream().mapToLong(List::size).sum());
        long[] done = {0};
        List<LoggedEvent> logged = store.commitAll(plan.batches(), batch -> {
            done[0] += batch.size();
            progress.step(done[0], null);
        });
        progress.close();
        first = logged.get(0).sequence();
        last = logged.get(logged.size() - 1).sequence();
        return new Report(snap.source(), plan.registered(), plan.deleted(), plan.unchanged(), first, last,
                System.currentTimeMillis() - t0);
    }

    /**
     * The planner's view of the current store, over the projection. The valid paths are listed once,
     * so a path the store does not hold (every path of a first import) costs no projection lookup.
     */
    private static final class ViewState implements ImportPlanner.CurrentState {
        private final StoreView view;
        private Set<String> valid;

        ViewState(StoreView view) { this.view = view; }

        private Set<String> valid() {
            if (valid == null) valid = new HashSet<>(view.validPaths());
            return valid;
        }

        @Override
        public Iterable<String> importedValidPaths() {
            List<String> out = new ArrayList<>();
            for (String p : view.validPaths())
                view.info(p).filter(i -> i.origin() == Origin.IMPORTED).ifPresent(i -> out.add(p));
            return out;
        }

        @Override
        public PathRegistered registration(String path) {
            if (!valid().contains(path)) return null;
            return view.info(path).map(ViewState::asEvent).orElse(null);
        }

        @Override
        public Map<String, String> derivationOutputs(String drvPath) { return view.derivationOutputs(drvPath); }

        private static PathRegistered asEvent(RegisteredPath p) {
            return new PathRegistered(p.path(), p.narHash(), p.narSize(), p.references(), p.deriver(), p.ca(),
                    p.signatures(), p.registrationTime(), p.origin());
        }
    }
}
