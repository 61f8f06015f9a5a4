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
    private final EventLog log;
    private final StoreProjection projection;

    private Store(Path state, StoreConfig config, EventLog log, StoreProjection projection) {
        this.state = state;
        this.config = config;
        this.log = log;
        this.projection = projection;
    }

    public static Path configFile(Path state) { return state.resolve("config.json"); }
    public static Path logDir(Path state) { return state.resolve("log"); }
    public static Path projectionDir(Path state) { return state.resolve("projections"); }

    /** Opens an initialised store; {@code write} takes the log's writer lock. */
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
        EventLog log = write ? EventLogs.openEmbedded(logDir(state)) : EventLogs.openEmbeddedReadOnly(logDir(state));
        StoreProjection projection;
        try {
            projection = LmdbProjections.open(projectionDir(state));
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
        Store s = new Store(state, config, log, projection);
        s.catchUp();
        return s;
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
        long from = projection.lastAppliedSequence() + 1;
        if (log.lastSequence() < from) return 0;
        try (Stream<LoggedEvent> events = log.read(from)) {
            Iterator<LoggedEvent> it = events.iterator();
            return projection.catchUp(it);
        }
    }

    /** Appends one atomic batch and makes it visible to queries before returning. */
    public List<LoggedEvent> commit(List<StoreEvent> batch) {
        List<LoggedEvent> logged = log.append(batch);
        projection.apply(logged);
        return logged;
    }

    public Path state() { return state; }
    public StoreConfig config() { return config; }
    public EventLog log() { return log; }
    public StoreView view() { return projection; }

    /** Fails unless the store holds its own files (attached stores are never written). */
    public void requireStandalone(String what) {
        if (config.attached())
            throw new StoreException(1, what + " is not possible on a store attached to Nix ("
                    + config.storeDir() + " is never written); use a standalone store ('audit init --store-dir DIR')");
    }

    @Override
    public void close() {
        try {
            projection.close();
        } finally {
            log.close();
        }
    }
}
