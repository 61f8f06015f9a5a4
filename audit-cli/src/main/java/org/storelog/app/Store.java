package org.storelog.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.storelog.domain.event.LoggedEvent;
import org.storelog.domain.event.StoreEvent;
import org.storelog.log.EventLog;
import org.storelog.log.EventLogs;
import org.storelog.log.segment.SegmentHead;
import org.storelog.projection.LmdbProjections;
import org.storelog.projection.StoreProjection;
import org.storelog.projection.StoreView;

/**
 * An open store: its configuration, its event log and its LMDB projections. The log is the only
 * source of truth; {@link #commit} appends a batch and returns only once the projection shows it.
 * Opening catches the projection up with the log (events appended by a crashed process, or by
 * another one).
 */
public final class Store implements AutoCloseable {
    private final Path state;
    private final StoreConfig config;
    private final boolean write;
    private EventLog log;
    private StoreProjection projection;

    private Store(Path state, StoreConfig config, boolean write) {
        this.state = state;
        this.config = config;
        this.write = write;
    }

    public static Path configFile(Path state) { return state.resolve("config.properties"); }

    /** Where a reader remembers the log head its projection has folded (a hint, see {@link SegmentHead}). */
    private static Path headFile(Path state) { return projectionDir(state).resolve("log-head"); }
    public static Path logDir(Path state) { return state.resolve("log"); }
    public static Path projectionDir(Path state) { return state.resolve("projections"); }

    /**
     * Opens an initialised store; {@code write} takes the log's writer lock. A reader whose
     * projection already holds everything in the log opens neither the log nor a write
     * transaction: that is what keeps a trivial query fast.
     */
    public static Store open(Path state, boolean write) {
        Path cfg = configFile(state);
        if (!Files.exists(cfg))
            throw new StoreException(1, "no store at " + state + "; run 'audit init' first (or pass --state DIR)");
        StoreConfig config;
        try {
            config = StoreConfig.load(cfg);
        } catch (IOException e) {
            throw new StoreException(70, "cannot read " + cfg + ": " + e.getMessage(), e);
        }
        Store s = new Store(state, config, write);
        try {
            if (!write && Files.isDirectory(projectionDir(state)) && headUnchanged(state)) {
                s.projection = LmdbProjections.openReadOnly(projectionDir(state));
            } else {
                s.projection = LmdbProjections.open(projectionDir(state));
                s.catchUp();
            }
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static boolean headUnchanged(Path state) {
        try {
            Path f = headFile(state);
            return Files.exists(f) && Files.readString(f).equals(SegmentHead.fingerprint(logDir(state)));
        } catch (IOException e) {
            return false;
        }
    }

    private void rememberHead(String fingerprint) {
        try {
            Path tmp = headFile(state).resolveSibling("log-head.tmp");
            Files.writeString(tmp, fingerprint);
            Files.move(tmp, headFile(state), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // only a hint: the next reader checks the log itself
        }
    }

    /** Creates a new store: writes the configuration and records {@code StoreInitialized}. */
    public static Store create(Path state, StoreConfig config) {
        if (Files.exists(configFile(state)))
            throw new StoreException(1, "a store already exists at " + state
                    + "; use --state DIR (or $AUDIT_STATE) to choose another directory");
        try {
            Files.createDirectories(state);
            if (!config.attached()) Files.createDirectories(Path.of(config.physicalStore()));
            config.save(configFile(state));
        } catch (IOException e) {
            throw new StoreException(1, "cannot create the store at " + state + ": " + e.getMessage(), e);
        }
        Store s = open(state, true);
        s.commit(List.of(new StoreEvent.StoreInitialized(config.storeDir(), config.mode(), config.physicalStore())));
        return s;
    }

    /** Folds into the projection whatever the log has beyond it. */
    public long catchUp() {
        String head;
        try {
            head = SegmentHead.fingerprint(logDir(state));
        } catch (IOException e) {
            head = null;
        }
        EventLog l = log();
        long from = projection.lastAppliedSequence() + 1;
        long n = 0;
        if (l.lastSequence() >= from) {
            try (Stream<LoggedEvent> events = l.read(from)) {
                Iterator<LoggedEvent> it = events.iterator();
                n = projection.catchUp(it);
            }
        }
        if (head != null && !write) rememberHead(head);
        return n;
    }

    /** Appends one atomic batch and makes it visible to queries before returning. */
    public List<LoggedEvent> commit(List<StoreEvent> batch) {
        if (!write) throw new IllegalStateException("store opened read-only");
        List<LoggedEvent> logged = log().append(batch);
        projection.apply(logged);
        return logged;
    }

    /**
     * Appends several atomic batches for a bulk import ({@link EventLog#appendBulk}: encoded in
     * parallel, not published on Axon's bus), then makes them visible with one catch-up of the
     * projection (a bulk fold when it holds no path yet). {@code appended} sees each batch once it
     * is durable. A crash between the two leaves the projection behind the log: the next open
     * catches it up.
     */
    public List<LoggedEvent> commitAll(List<List<StoreEvent>> batches, java.util.function.Consumer<List<LoggedEvent>> appended) {
        if (!write) throw new IllegalStateException("store opened read-only");
        List<LoggedEvent> all = new java.util.ArrayList<>();
        for (List<StoreEvent> batch : batches) {
            List<LoggedEvent> logged = log().appendBulk(batch);
            all.addAll(logged);
            appended.accept(logged);
        }
        projection.catchUp(all.iterator());
        return all;
    }

    public Path state() { return state; }
    public StoreConfig config() { return config; }
    /** The event log, opened on first use (readers whose projection is current never need it). */
    public EventLog log() {
        if (log == null)
            log = write ? EventLogs.openEmbedded(logDir(state)) : EventLogs.openEmbeddedReadOnly(logDir(state));
        return log;
    }
    public StoreView view() { return projection; }

    /** Fails unless the store holds its own files (attached stores are never written). */
    public void requireStandalone(String what) {
        if (config.attached())
            throw new StoreException(1, what + " is not possible on a store attached to Nix ("
                    + config.storeDir() + " is never written); use a standalone store ('audit init --store-dir DIR')");
    }

    @Override
    public void close() {
        // A writer leaves the hint for the readers that follow, when its projection is complete.
        if (write && log != null && projection != null && projection.lastAppliedSequence() == log.lastSequence()) {
            try {
                rememberHead(SegmentHead.fingerprint(logDir(state)));
            } catch (IOException | RuntimeException e) {
                // only a hint
            }
        }
        try {
            if (projection != null) projection.close();
        } finally {
            if (log != null) log.close();
        }
    }
}
