package org.storelog.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.stream.Stream;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.log.EventLog;
import org.storelog.log.EventLogs;
import org.storelog.projection.LmdbProjections;

/** Deletes the projections and folds the whole log into new ones (built aside, then swapped in). */
public final class Replay {
    private Replay() {}

    /**
     * @param millis     the whole rebuild
     * @param readMillis of which the fold waited for the log to be read and decoded (on other threads)
     */
    public record Report(long events, long millis, long readMillis) {
        /** Events folded per second of fold time (log reading excluded). */
        public double foldRate() { return events * 1000.0 / Math.max(1, millis - readMillis); }
    }

    public static Report rebuild(Path state) {
        Path live = Store.projectionDir(state);
        Path fresh = state.resolve("projections.rebuild");
        long t0 = System.currentTimeMillis();
        long n, readNanos;
        try (EventLog log = EventLogs.openEmbedded(Store.logDir(state))) {
            deleteTree(fresh);
            // Start at about the size the live projection reached, so the rebuild seldom has to grow the map.
            Path liveData = live.resolve("data.mdb");
            long size = Math.max(LmdbProjections.DEFAULT_MAP_SIZE,
                    Files.exists(liveData) ? Long.highestOneBit(Files.size(liveData)) * 2 : 0);
            try (LmdbProjections p = LmdbProjections.open(fresh, size);
                 Stream<LoggedEvent> events = log.readBulk(0)) {
                TimedIterator timed = new TimedIterator(events.iterator());
                n = p.catchUp(timed);
                readNanos = timed.nanos;
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
        return new Report(n, System.currentTimeMillis() - t0, readNanos / 1_000_000);
    }

    /** Measures the time spent inside the log's iterator (reading, checking and decoding records). */
    private static final class TimedIterator implements Iterator<LoggedEvent> {
        private final Iterator<LoggedEvent> in;
        long nanos;

        TimedIterator(Iterator<LoggedEvent> in) { this.in = in; }

        @Override
        public boolean hasNext() {
            long t = System.nanoTime();
            try { return in.hasNext(); } finally { nanos += System.nanoTime() - t; }
        }

        @Override
        public LoggedEvent next() {
            long t = System.nanoTime();
            try { return in.next(); } finally { nanos += System.nanoTime() - t; }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
