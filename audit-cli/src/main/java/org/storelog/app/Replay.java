package org.storelog.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.log.EventLog;
import org.storelog.log.EventLogs;
import org.storelog.projection.LmdbProjections;

/** Deletes the projections and folds the whole log into new ones (built aside, then swapped in). */
public final class Replay {
    private Replay() {}

    public record Report(long events, long millis) {}

    public static Report rebuild(Path state) {
        Path live = Store.projectionDir(state);
        Path fresh = state.resolve("projections.rebuild");
        long t0 = System.currentTimeMillis();
        long n;
        try (EventLog log = EventLogs.openEmbedded(Store.logDir(state))) {
            deleteTree(fresh);
            try (LmdbProjections p = LmdbProjections.open(fresh);
                 Stream<LoggedEvent> events = log.read(0)) {
                n = p.catchUp(events.iterator());
            }
            // Swap while holding the writer lock, so no commit lands in the old projection meanwhile.
            Path old = state.resolve("projections.old");
            deleteTree(old);
            if (Files.exists(live)) Files.move(live, old);
            Files.move(fresh, live);
            deleteTree(old);
        } catch (IOException e) {
            throw new StoreException(70, "cannot replace the projections in " + live + ": " + e.getMessage(), e);
        }
        return new Report(n, System.currentTimeMillis() - t0);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
