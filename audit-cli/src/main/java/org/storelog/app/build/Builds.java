package org.storelog.app.build;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.storelog.app.Store;
import org.storelog.domain.drv.Derivation;
import org.storelog.domain.drv.DrvFiles;
import org.storelog.domain.event.StoreEvent;
import org.storelog.domain.event.StoreEvent.Origin;
import org.storelog.domain.store.StoreDir;
import org.storelog.sandbox.Limits;
import org.storelog.sandbox.PhaseClock;
import org.storelog.sandbox.SandboxRunner;
import org.storelog.sandbox.Variation;

/**
 * {@code audit build}: builds registered derivations and what they need, input derivations first,
 * up to {@code jobs} at a time, and records each build: {@code BuildStarted}, then one batch of
 * {@code PathRegistered(BUILT)}… + {@code BuildSucceeded}, or {@code BuildFailed} with the reason.
 * {@code BuildStarted} is committed in the background while the sandbox runs, and concurrent
 * builds commit without holding each other up, so their batches share the log's group commit.
 * {@code jobs} bounds the sandboxes running at once: once a builder has exited, its outputs are
 * checked, hashed and registered (and its work directory deleted) beside the next sandbox, so even
 * one job keeps both the builder and the checking busy; a derivation's dependents start once its
 * outputs are registered.
 * Outputs move from the build's scratch directory into the physical store by rename. Derivations
 * whose outputs are all valid are not built. After a failure no new build starts (as Nix without
 * {@code --keep-going}); running ones finish and are recorded.
 */
public final class Builds {
    /** Command-line knobs. */
    public record Options(int jobs, boolean keepFailed, Limits limits) {}

    /** One failed derivation: why, and the kept build directory if any. */
    public record Failure(String drvPath, String reason, Path keptBuildDir, List<String> logTail) {}

    /** Outputs of the requested derivations (name → path, per derivation), failures, how many were built. */
    public record Report(Map<String, Map<String, String>> outputs, List<Failure> failures, int built) {
        public boolean ok() { return failures.isEmpty(); }
    }

    private final Store store;
    private final StoreDir dir;
    private final DerivationBuilder builder;
    private final SandboxRunner runner;
    private final BuildLogs logs;
    private final PrintStream progress;
    /** Output paths this run is registering, with the registration to wait for (guarded by itself). */
    private final Map<String, CompletableFuture<Void>> claimed = new java.util.HashMap<>();

    public Builds(Store store, SandboxRunner runner, PrintStream progress) {
        this.store = store;
        this.dir = StoreDir.of(store.config().storeDir());
        // the generated /etc is written once per content and shared by the builds, not once per build
        this.runner = runner.withEtcCache(store.state().resolve("sandbox-etc"));
        this.builder = new DerivationBuilder(store.view(), store.config(), this.runner);
        this.logs = new BuildLogs(store.state());
        this.progress = progress;
    }

    public DerivationBuilder builder() { return builder; }

    /** Builds {@code drvPaths} (registered derivations) and their missing inputs. */
    public Report build(List<String> drvPaths, Options opts) throws IOException {
        store.requireStandalone("building");
        Map<String, Derivation> plan = new LinkedHashMap<>();
        Map<String, List<String>> deps = new TreeMap<>();
        for (String p : drvPaths) plan(p, plan, deps);
        if (!plan.isEmpty()) runner.checkAvailable();
        for (var e : plan.entrySet()) builder.preflight(e.getKey(), e.getValue(), builder::outputsOf);

        List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger built = new AtomicInteger();
        // --jobs bounds the sandboxes running at once; checking, registering and deleting a finished
        // build's files happen beside the next sandbox, on threads of their own.
        ExecutorService sandboxes = Executors.newFixedThreadPool(Math.max(1, opts.jobs()),
                r -> Thread.ofPlatform().daemon().name("build-sandbox").unstarted(r));
        ExecutorService after = Executors.newCachedThreadPool(r -> Thread.ofPlatform().daemon().name("build-finish").unstarted(r));
        Run run = new Run(plan, deps, new TreeMap<>(), sandboxes, after, opts, failures, stop, built);
        try {
            for (String p : plan.keySet()) schedule(p, run);
            CompletableFuture.allOf(run.futures.values().toArray(CompletableFuture[]::new)).join();
        } finally {
            // Wait for every thread to end (build directories still being deleted included): a thread
            // that read LMDB must not exit while the store closes (its reader slot is freed at exit).
            sandboxes.shutdown();
            after.shutdown();
            try {
                sandboxes.awaitTermination(10, TimeUnit.MINUTES);
                after.awaitTermination(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
        for (String p : drvPaths) outputs.put(p, builder.outputsOf(p));
        return new Report(outputs, List.copyOf(failures), built.get());
    }

    /** What the builds of one {@link #build} call share. */
    private record Run(Map<String, Derivation> plan, Map<String, List<String>> deps,
                       Map<String, CompletableFuture<Boolean>> futures, ExecutorService sandboxes, ExecutorService after,
                       Options opts, List<Failure> failures, AtomicBoolean stop, AtomicInteger built) {}

    /** Depth-first: a derivation is planned if one of its outputs is not valid; then its inputs likewise. */
    private void plan(String drvPath, Map<String, Derivation> plan, Map<String, List<String>> deps) throws IOException {
        if (plan.containsKey(drvPath)) return;
        Deque<String> todo = new ArrayDeque<>(List.of(drvPath));
        while (!todo.isEmpty()) {
            String p = todo.pop();
            if (plan.containsKey(p)) continue;
            if (!store.view().isValid(p))
                throw new BuildException(BuildException.Reason.MISSING_INPUT, "derivation " + p + " is not valid in this store");
            Map<String, String> outs = builder.outputsOf(p);
            if (!outs.isEmpty() && outs.values().stream().allMatch(store.view()::isValid)) continue;
            Derivation d = DrvFiles.read(dir, store.config().physical(p));
            plan.put(p, d);
            List<String> mine = new ArrayList<>();
            for (var in : d.inputDrvs().entrySet()) {
                String inPath = in.getKey().absolute(dir);
                Map<String, String> inOuts = builder.outputsOf(inPath);
                boolean needed = in.getValue().stream().anyMatch(n -> inOuts.get(n) == null || !store.view().isValid(inOuts.get(n)));
                if (needed) {
                    mine.add(inPath);
                    todo.push(inPath);
                }
            }
            deps.put(p, mine);
        }
    }

    /**
     * A derivation's build, after those of its inputs: the sandbox on a job thread, then the outputs
     * checked and registered on another thread, so the next sandbox can start meanwhile. The future
     * completes once the outputs are registered (visible to the builds that need them).
     */
    private CompletableFuture<Boolean> schedule(String p, Run run) {
        CompletableFuture<Boolean> existing = run.futures.get(p);
        if (existing != null) return existing;
        List<CompletableFuture<Boolean>> before = new ArrayList<>();
        for (String d : run.deps.getOrDefault(p, List.of())) before.add(schedule(d, run));
        CompletableFuture<Boolean> f = CompletableFuture.allOf(before.toArray(CompletableFuture[]::new))
                .thenApplyAsync(v -> {
                    if (run.stop.get() || before.stream().anyMatch(b -> !b.join())) return null;
                    try {
                        long t0 = PhaseClock.start();
                        try {
                            return start(p, run.plan.get(p), run);
                        } finally {
                            PhaseClock.end("build: start + sandbox (job slot)", t0);
                        }
                    } catch (IOException | RuntimeException e) {
                        run.stop.set(true);
                        run.failures.add(new Failure(p, message(e), null, List.of()));
                        return null;
                    }
                }, run.sandboxes)
                .thenApplyAsync(started -> {
                    if (started == null) return false;
                    try {
                        long t0 = PhaseClock.start();
                        boolean ok = finish(started, run);
                        PhaseClock.end("build: check + register", t0);
                        if (ok) run.built.incrementAndGet();
                        else run.stop.set(true);
                        return ok;
                    } catch (IOException | RuntimeException e) {
                        run.stop.set(true);
                        run.failures.add(new Failure(p, message(e), null, List.of()));
                        return false;
                    }
                }, run.after);
        run.futures.put(p, f);
        return f;
    }

    /** A build whose sandbox has run: what {@link #finish} needs. */
    private record Started(String drvPath, String buildId, Path work, Path buildDir, CompletableFuture<?> startedEvent,
                           LazyLog log, LogTail tail, DerivationBuilder.Sandboxed sandboxed) {}

    /** Records {@code BuildStarted} and runs the builder; a builder that failed stops new builds from starting. */
    private Started start(String drvPath, Derivation d, Run run) throws IOException {
        // bad input: an exception, before anything is recorded
        java.util.SortedMap<String, Path> inputs = builder.inputClosure(drvPath, d);
        String buildId = UUID.randomUUID().toString();
        Path work = store.state().resolve("builds").resolve(buildId);
        Path scratch = work.resolve("scratch");
        Path buildDir = work.resolve("build");
        Files.createDirectories(work);
        progress.println("building '" + drvPath + "'...");
        // BuildStarted is made durable while the sandbox runs; it is joined before the outcome is
        // committed, so the log always has it first (and has it even if this process dies mid-build).
        CompletableFuture<?> started = store.commitAsync(List.of(new StoreEvent.BuildStarted(drvPath, buildId,
                Variation.NONE.describe())));
        LogTail tail = new LogTail();
        LazyLog log = new LazyLog(() -> logs.create(drvPath, buildId));
        DerivationBuilder.Sandboxed sandboxed;
        try {
            sandboxed = builder.runSandbox(new DerivationBuilder.Request(drvPath, d, Variation.NONE, scratch, buildDir,
                    run.opts.limits(), 0), inputs, new Tee(log, tail));
        } catch (RuntimeException e) {
            log.close();
            join(started);
            store.commit(List.of(new StoreEvent.BuildFailed(drvPath, buildId, message(e), 0)));
            StoreFiles.removeTree(work);
            throw e;
        }
        if (!sandboxed.result().succeeded()) run.stop.set(true); // as Nix without --keep-going
        return new Started(drvPath, buildId, work, buildDir, started, log, tail, sandboxed);
    }

    /** Checks the outputs, moves them into the store and commits the outcome; the work directory is deleted afterwards. */
    private boolean finish(Started s, Run run) throws IOException {
        String drvPath = s.drvPath();
        boolean keep = false;
        try {
            s.log().close();
            DerivationBuilder.Result r = builder.checkOutputs(s.sandboxed());
            long ms = r.duration().toMillis();
            if (!r.succeeded()) {
                Path kept = run.opts.keepFailed() ? s.buildDir() : null;
                keep = kept != null;
                join(s.startedEvent());
                store.commit(List.of(new StoreEvent.BuildFailed(drvPath, s.buildId(), r.failure(), ms)));
                run.failures.add(new Failure(drvPath, r.failure(), kept, s.tail().lines()));
                return false;
            }
            register(drvPath, s.buildId(), r, s.startedEvent());
            return true;
        } finally {
            if (!keep) {
                Path work = s.work();
                run.after.execute(() -> {
                    try {
                        StoreFiles.removeTree(work);
                    } catch (IOException | RuntimeException e) {
                        progress.println("warning: cannot delete " + work + ": " + message(e));
                    }
                });
            }
        }
    }

    /** One batch: the outputs not yet valid ({@code PathRegistered}, moved into the store) and {@code BuildSucceeded}. */
    private void register(String drvPath, String buildId, DerivationBuilder.Result r, CompletableFuture<?> started)
            throws IOException {
        CompletableFuture<Void> registered = new CompletableFuture<>();
        try {
            List<StoreEvent> batch = new ArrayList<>();
            Map<String, String> outs = new TreeMap<>();
            List<CompletableFuture<Void>> others = new ArrayList<>();
            long now = Instant.now().getEpochSecond();
            synchronized (claimed) {
                for (DerivationBuilder.BuiltOutput o : r.outputs().values()) {
                    outs.put(o.name(), o.path());
                    if (store.view().isValid(o.path())) continue;
                    CompletableFuture<Void> other = claimed.putIfAbsent(o.path(), registered);
                    if (other != null) { // another build of this run made the same path: its registration counts
                        others.add(other);
                        continue;
                    }
                    StoreFiles.moveIntoStore(o.hostPath(), store.config().physical(o.path()));
                    batch.add(new StoreEvent.PathRegistered(o.path(), o.narHash().toPrefixedNix32(), o.narSize(),
                            o.references(), drvPath, o.ca(), List.of(), now, Origin.BUILT));
                }
            }
            batch.add(new StoreEvent.BuildSucceeded(drvPath, buildId, outs, r.duration().toMillis()));
            join(started);
            for (CompletableFuture<Void> o : others) join(o);
            store.commit(batch);
            registered.complete(null);
        } catch (RuntimeException | IOException e) {
            registered.completeExceptionally(e);
            throw e;
        }
    }

    private static String message(Throwable e) { return e.getMessage() == null ? e.toString() : e.getMessage(); }

    /** Waits for a background commit; its failure is this build's failure. */
    private static void join(CompletableFuture<?> f) {
        try {
            f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    /**
     * The build log: the first 64 KiB are kept in memory, and the compressed file is created only when
     * more comes or at close (which {@link #finish} does, after the sandbox): a quiet build creates
     * its log file beside the next sandbox instead of before its own.
     */
    static final class LazyLog extends OutputStream {
        static final int BUFFERED = 64 * 1024;

        interface Opener {
            OutputStream open() throws IOException;
        }

        private final Opener opener;
        private ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private OutputStream out;
        private boolean closed;

        LazyLog(Opener opener) { this.opener = opener; }

        @Override public synchronized void write(int b) throws IOException { write(new byte[] {(byte) b}, 0, 1); }

        @Override public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (closed) throw new IOException("build log already closed");
            if (out == null && buffer.size() + len <= BUFFERED) {
                buffer.write(b, off, len);
                return;
            }
            open().write(b, off, len);
        }

        private OutputStream open() throws IOException {
            if (out == null) {
                out = opener.open();
                buffer.writeTo(out);
                buffer = null;
            }
            return out;
        }

        @Override public synchronized void flush() throws IOException { if (out != null) out.flush(); }

        @Override public synchronized void close() throws IOException {
            if (closed) return;
            OutputStream o = open();
            closed = true;
            o.close();
        }
    }

    /** Keeps the last lines of a build log, for error messages (Nix shows the last 10). */
    static final class LogTail extends OutputStream {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        @Override public synchronized void write(int b) { buf.write(b); trim(); }

        @Override public synchronized void write(byte[] b, int off, int len) { buf.write(b, off, len); trim(); }

        private void trim() {
            if (buf.size() > 64 * 1024) {
                byte[] all = buf.toByteArray();
                buf.reset();
                buf.write(all, all.length - 16 * 1024, 16 * 1024);
            }
        }

        synchronized List<String> lines() {
            List<String> l = List.of(buf.toString(StandardCharsets.UTF_8).split("\n"));
            l = l.size() == 1 && l.get(0).isEmpty() ? List.of() : l;
            return l.subList(Math.max(0, l.size() - 10), l.size());
        }
    }

    private static final class Tee extends OutputStream {
        private final OutputStream a, b;
        Tee(OutputStream a, OutputStream b) { this.a = a; this.b = b; }
        @Override public void write(int x) throws IOException { a.write(x); b.write(x); }
        @Override public void write(byte[] x, int off, int len) throws IOException { a.write(x, off, len); b.write(x, off, len); }
        @Override public void flush() throws IOException { a.flush(); }
        @Override public void close() throws IOException { a.flush(); }
    }
}
