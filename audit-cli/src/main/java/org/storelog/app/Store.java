package org.storelog.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
    /** Guards the hand-over from the log to the projection ({@link #commit}). */
    private final Object applyLock = new Object();
    /** Logged batches not yet folded, by first sequence number. */
    private final TreeMap<Long, List<LoggedEvent>> unapplied = new TreeMap<>();
    /** Commits between their start and the end of their append. */
    private int appending;
    private RuntimeException applyFailure;
    private ExecutorService committer;

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

    /** A store {@link #openInBackground} is opening, until {@link #open} takes it. */
    private record Pending(Path state, boolean write, FutureTask<Store> task) {}

    private static final AtomicReference<Pending> PENDING = new AtomicReference<>();

    /** jnr-ffi's set-up is a once-per-process cost: only the first open of a process starts it ahead. */
    private static final java.util.concurrent.atomic.AtomicBoolean NATIVE_PREPARED = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Starts opening the store at {@code state} on a background thread, so that a command's own
     * set-up (parsing its arguments) overlaps with LMDB's and the log's; the next {@link #open} of
     * the same store in the same mode takes it. For the launcher only: a store opened here and never
     * taken stays open (its files and lock) until the process exits.
     */
    public static void openInBackground(Path state, boolean write) {
        FutureTask<Store> task = new FutureTask<>(() -> openNow(state, write));
        Pending old = PENDING.getAndSet(new Pending(state, write, task));
        if (old != null) discard(old);
        Thread.ofPlatform().daemon().name("store-open").start(task);
    }

    private static void discard(Pending p) {
        try {
            p.task.get().close();
        } catch (ExecutionException | RuntimeException e) {
            // it failed to open: nothing to close
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Opens an initialised store; {@code write} takes the log's writer lock. A reader whose
     * projection already holds everything in the log opens neither the log nor a write
     * transaction: that is what keeps a trivial query fast.
     */
    public static Store open(Path state, boolean write) {
        Pending p = PENDING.getAndSet(null);
        if (p != null) {
            if (p.state.equals(state) && p.write == write) {
                try {
                    return p.task.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) throw r;
                    if (e.getCause() instanceof Error r) throw r;
                    throw new StoreException(70, "cannot open the store at " + state + ": " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreException(70, "interrupted while opening the store at " + state, e);
                }
            }
            discard(p); // another store or mode: do not keep its files (or the log's lock) open
        }
        return openNow(state, write);
    }

    private static Store openNow(Path state, boolean write) {
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
        FutureTask<EventLog> logOpen = null;
        // parts of jnr-ffi's set-up made beside the env's first open (LmdbProjections.prepareNative)
        if (NATIVE_PREPARED.compareAndSet(false, true))
            Thread.ofPlatform().daemon().name("jnr-prepare").start(() -> {
                try {
                    LmdbProjections.prepareNative();
                } catch (RuntimeException | LinkageError e) {
                    // a warm-up only: the open reports whatever is wrong
                }
            });
        try {
            if (!write && Files.isDirectory(projectionDir(state)) && headUnchanged(state)) {
                s.projection = LmdbProjections.openReadOnly(projectionDir(state));
            } else {
                // The log (Axon, the event codec) and LMDB (jnr-ffi) are set up on two threads: each
                // costs ~0.1 s of cold code at start-up, and neither needs the other.
                logOpen = new FutureTask<>(s::openLog);
                Thread.ofPlatform().daemon().name("log-open").start(logOpen);
                s.projection = LmdbProjections.open(projectionDir(state));
                s.log = join(logOpen);
                s.catchUp();
            }
            return s;
        } catch (RuntimeException | Error e) {
            if (logOpen != null && s.log == null) {
                try {
                    s.log = logOpen.get();
                } catch (ExecutionException ignored) {
                    // it failed too: nothing to close
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
            s.close();
            throw e;
        }
    }

    private static <T> T join(FutureTask<T> task) {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(70, "interrupted while opening the event log", e);
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

    /**
     * Appends one atomic batch and makes it visible to queries before returning. Thread-safe:
     * batches committed concurrently share the log's group commit (one fsync), and the projection
     * folds them in sequence order, several in one write transaction when they are ready together.
     */
    public List<LoggedEvent> commit(List<StoreEvent> batch) {
        if (!write) throw new IllegalStateException("store opened read-only");
        EventLog l = log();
        synchronized (applyLock) {
            appending++;
        }
        List<LoggedEvent> logged;
        try {
            logged = l.append(batch);
        } catch (RuntimeException | Error e) {
            synchronized (applyLock) {
                appending--;
                applyLock.notifyAll();
            }
            throw e;
        }
        synchronized (applyLock) {
            appending--;
            if (logged.isEmpty()) return logged;
            unapplied.put(logged.get(0).sequence(), logged);
            long last = logged.get(logged.size() - 1).sequence();
            try {
                while (true) {
                    if (applyFailure != null)
                        throw new StoreException(70, "the projection could not fold batch #" + logged.get(0).sequence()
                                + " (it is in the log; reopening the store catches up): " + applyFailure.getMessage(), applyFailure);
                    if (drain() >= last) return logged;
                    if (appending == 0) {
                        // a gap no commit of ours will fill: events appended to the log by other means
                        catchUp();
                        continue;
                    }
                    applyLock.wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreException(70, "interrupted while batch #" + logged.get(0).sequence()
                        + " was being made visible (it is in the log; reopening the store catches up)", e);
            }
        }
    }

    /**
     * Folds the committed batches that continue the projection, in one write transaction;
     * returns the last sequence number the projection holds. Called under {@code applyLock}.
     */
    private long drain() {
        long applied = projection.lastAppliedSequence();
        while (!unapplied.isEmpty()) {
            List<LoggedEvent> first = unapplied.firstEntry().getValue();
            if (first.get(first.size() - 1).sequence() > applied) break;
            unapplied.pollFirstEntry(); // already folded (by a catch-up)
        }
        List<LoggedEvent> run = new ArrayList<>();
        long next = applied + 1;
        while (!unapplied.isEmpty() && unapplied.firstKey() == next) {
            List<LoggedEvent> b = unapplied.pollFirstEntry().getValue();
            run.addAll(b);
            next = b.get(b.size() - 1).sequence() + 1;
        }
        if (run.isEmpty()) return applied;
        try {
            projection.apply(run);
        } catch (RuntimeException e) {
            applyFailure = e;
            throw e;
        } finally {
            applyLock.notifyAll();
        }
        return next - 1;
    }

    /**
     * {@link #commit} on a background thread. The caller may go on working while the batch is made
     * durable; its order relative to this thread's later commits is fixed only once the future is
     * joined (join it before committing anything that must come after it).
     */
    public CompletableFuture<List<LoggedEvent>> commitAsync(List<StoreEvent> batch) {
        if (!write) throw new IllegalStateException("store opened read-only");
        synchronized (applyLock) {
            if (committer == null)
                committer = Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon().name("store-commit").unstarted(r));
        }
        return CompletableFuture.supplyAsync(() -> commit(batch), committer);
    }

    /**
     * Appends several atomic batches for a bulk import ({@link EventLog#appendBulk}: encoded in
     * parallel, not published on Axon's bus) and folds them into the projection (a bulk fold when
     * it holds no path yet) on a second thread while the next batches are encoded and written: the
     * fold only ever sees batches that are durable, so the projection is never ahead of the log.
     * {@code appended} sees each batch once it is durable. If an append fails, the batches before
     * it are folded and the failure propagates; a fold failure propagates after the appends. A
     * crash leaves the projection behind the log: the next open catches it up.
     */
    public List<LoggedEvent> commitAll(List<List<StoreEvent>> batches, java.util.function.Consumer<List<LoggedEvent>> appended) {
        if (!write) throw new IllegalStateException("store opened read-only");
        List<LoggedEvent> all = new ArrayList<>();
        java.util.concurrent.LinkedBlockingQueue<List<LoggedEvent>> durable = new java.util.concurrent.LinkedBlockingQueue<>();
        List<LoggedEvent> end = new ArrayList<>(0); // identity marks the end
        CompletableFuture<Long> folding = CompletableFuture.supplyAsync(
                () -> projection.catchUp(new QueuedEvents(durable, end)),
                r -> Thread.ofPlatform().name("store-fold").start(r));
        RuntimeException failure = null;
        try {
            for (List<StoreEvent> batch : batches) {
                List<LoggedEvent> logged = log().appendBulk(batch);
                all.addAll(logged);
                durable.add(logged);
                appended.accept(logged);
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            durable.add(end);
        }
        try {
            folding.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof Error err) throw err;
            RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            if (failure == null) throw cause;
            failure.addSuppressed(cause);
        }
        if (failure != null) throw failure;
        return all;
    }

    /** The events of the batches put in a queue, until the {@code end} list (by identity). */
    private static final class QueuedEvents implements Iterator<LoggedEvent> {
        private final java.util.concurrent.BlockingQueue<List<LoggedEvent>> queue;
        private final List<LoggedEvent> end;
        private Iterator<LoggedEvent> current = java.util.Collections.emptyIterator();
        private boolean ended;

        QueuedEvents(java.util.concurrent.BlockingQueue<List<LoggedEvent>> queue, List<LoggedEvent> end) {
            this.queue = queue;
            this.end = end;
        }

        @Override
        public boolean hasNext() {
            while (!current.hasNext() && !ended) {
                List<LoggedEvent> next;
                try {
                    next = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for appended events", e);
                }
                if (next == end) ended = true;
                else current = next.iterator();
            }
            return current.hasNext();
        }

        @Override
        public LoggedEvent next() {
            if (!hasNext()) throw new java.util.NoSuchElementException();
            return current.next();
        }
    }

    public Path state() { return state; }
    public StoreConfig config() { return config; }
    /** The event log, opened on first use (readers whose projection is current never need it). */
    public EventLog log() {
        if (log == null) log = openLog();
        return log;
    }

    private EventLog openLog() {
        return write ? EventLogs.openEmbedded(logDir(state)) : EventLogs.openEmbeddedReadOnly(logDir(state));
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
        ExecutorService c;
        synchronized (applyLock) {
            c = committer;
        }
        if (c != null) { // let background commits finish before the log and projection close
            c.shutdown();
            try {
                c.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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
