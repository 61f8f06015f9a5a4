package org.storelog.app.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.storelog.app.Store;
import org.storelog.app.StoreException;
import org.storelog.app.build.DerivationBuilder;
import org.storelog.domain.drv.Derivation;
import org.storelog.domain.drv.DrvFiles;
import org.storelog.domain.event.StoreEvent;
import org.storelog.domain.store.StoreDir;
import org.storelog.projection.RegisteredPath;
import org.storelog.sandbox.Limits;
import org.storelog.sandbox.OutputCanonicalizer;
import org.storelog.sandbox.SandboxRunner;
import org.storelog.sandbox.Variation;

/**
 * {@code audit rebuild --check}: rebuilds derivations in fresh sandboxes and compares each output's
 * NAR hash with the one the store recorded, as Nix 2.8's {@code nix-build --check}
 * ({@code src/libstore/build/local-derivation-goal.cc}, the {@code bmCheck} branch of
 * {@code registerOutputs}) and Guix's {@code guix build --check} do, without registering anything.
 * With nothing recorded, the rounds are compared with each other. Every check, whatever its verdict,
 * is committed as one {@link StoreEvent.RebuildCompared}; a failed check never stops the batch.
 *
 * <p>Works on both kinds of store. On a store attached to Nix, inputs are bound read-only from
 * their physical location ({@link org.storelog.app.StoreConfig#physical}), outputs are created in a
 * scratch directory that the sandbox sees as its store directory, and the recorded outputs are only
 * read (to list differing files): the Nix store is never written.
 */
public final class RebuildChecker {
    /**
     * {@code rounds} fresh builds per derivation; {@code keepFailed} keeps the work directories of
     * non-reproducible checks; {@code plan} says which environment each round builds in (without one,
     * every round builds in {@code variation}).
     */
    public record Options(int rounds, boolean keepFailed, Variation variation, Limits limits, VariationPlan plan) {
        public Options {
            if (rounds < 1) throw new IllegalArgumentException("--rounds must be at least 1");
            if (variation == null) variation = Variation.NONE;
            if (limits == null) limits = Limits.NONE;
            if (plan == null) plan = VariationPlan.fixed(variation);
        }

        public Options(int rounds, boolean keepFailed, Variation variation, Limits limits) {
            this(rounds, keepFailed, variation, limits, null);
        }

        /** What the rounds build in, as recorded in the event. */
        public String describeVariation() { return plan.describe(rounds); }
    }

    /** One output: recorded hash (null if the output is not registered), one rebuilt hash per successful round. */
    public record OutputResult(String name, String path, String recorded, List<String> rebuilt, List<String> differingFiles,
                               List<FileDiffs.FileDiff> diffs) {
        public OutputResult {
            rebuilt = List.copyOf(rebuilt);
            differingFiles = List.copyOf(differingFiles);
            diffs = List.copyOf(diffs);
        }

        /** Without {@code --diff} explanations. */
        public OutputResult(String name, String path, String recorded, List<String> rebuilt, List<String> differingFiles) {
            this(name, path, recorded, rebuilt, differingFiles, List.of());
        }
    }

    /**
     * One checked argument. {@code drvPath} is the derivation (or the argument itself when no
     * derivation was found); {@code kept} lists work directories left on disk by {@code keepFailed}.
     */
    public record Result(String subject, String drvPath, Verdict verdict, SortedMap<String, OutputResult> outputs,
                         String variation, int rounds, List<Path> kept, Attribution attribution) {
        public Result {
            outputs = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(outputs));
            kept = List.copyOf(kept);
        }

        /** A result without attribution (nothing diverged under a variation). */
        public Result(String subject, String drvPath, Verdict verdict, SortedMap<String, OutputResult> outputs,
                      String variation, int rounds, List<Path> kept) {
            this(subject, drvPath, verdict, outputs, variation, rounds, kept, null);
        }

        /** The event recorded for this result. */
        public StoreEvent.RebuildCompared event() {
            Map<String, StoreEvent.OutputComparison> m = new LinkedHashMap<>();
            outputs.forEach((n, o) -> m.put(n, new StoreEvent.OutputComparison(o.path(), o.recorded(), o.rebuilt(),
                    o.differingFiles())));
            return new StoreEvent.RebuildCompared(drvPath, verdict.word(), verdict.reason(), m, variation, rounds);
        }
    }

    private final Store store;
    private final StoreDir dir;
    private final DerivationBuilder builder;
    private final SandboxRunner runner;
    private final PrintStream progress;
    private FileDiffs diffs = FileDiffs.NONE;
    private boolean checkedRunner;

    public RebuildChecker(Store store, SandboxRunner runner, PrintStream progress) {
        this.store = store;
        this.dir = StoreDir.of(store.config().storeDir());
        // the generated /etc is written once per content and shared by the builds, not once per build
        this.runner = runner.withEtcCache(store.state().resolve("sandbox-etc"));
        this.builder = new DerivationBuilder(store.view(), store.config(), this.runner);
        this.progress = progress;
    }

    /** Explains differing outputs with {@code d} ({@code --diff}), computed while both trees exist. */
    public RebuildChecker diffs(FileDiffs d) {
        this.diffs = d == null ? FileDiffs.NONE : d;
        return this;
    }

    /** Checks every argument (a derivation or an output path) in order; each result is already committed. */
    public List<Result> check(List<String> subjects, Options opts) throws IOException {
        return check(ClosurePlan.batch(subjects), opts, 1, org.storelog.app.Progress.NONE);
    }

    /**
     * Checks every node of {@code plan}, up to {@code jobs} at a time, each after its inputs
     * ({@link DagScheduler}); each result is committed as it comes. Results are returned in plan
     * order; {@code bar} hears of each start and finish.
     */
    public List<Result> check(ClosurePlan plan, Options opts, int jobs, org.storelog.app.Progress bar) throws IOException {
        Result[] byNode = new Result[plan.size()];
        int[] done = {0};
        java.util.Set<String> running = new java.util.LinkedHashSet<>();
        bar.total(plan.size());
        try {
            // The slot holds the sandbox; hashing, comparing and recording run beside the next sandbox.
            DagScheduler.runSplit(plan.graph(), jobs, node -> {
                int i = Integer.parseInt(node);
                String s = plan.nodes().get(i).subject();
                String shown = ClosurePlan.namePart(s);
                synchronized (byNode) {
                    running.add(shown);
                    bar.step(done[0], String.join(", ", running));
                }
                Pending pending = checkOne(s, opts);
                return () -> {
                    Result res = pending.result();
                    store.commit(List.of(res.event())); // thread-safe: concurrent checks share the log's group commit
                    synchronized (byNode) {
                        byNode[i] = res;
                        running.remove(shown);
                        bar.step(++done[0], String.join(", ", running));
                    }
                };
            });
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
        return List.of(byNode);
    }

    /** A check whose builders have run: what is left is hashing and comparing the last round's outputs. */
    @FunctionalInterface
    private interface Pending {
        Result result() throws IOException;
    }

    private static Pending done(Result r) { return () -> r; }

    private Pending checkOne(String s, Options opts) throws IOException {
        Resolved r = resolve(s);
        if (r.problem() != null)
            return done(new Result(s, r.drvPath(), new Verdict.Inconclusive(r.problem()), new TreeMap<>(),
                    opts.describeVariation(), opts.rounds(), List.of()));
        synchronized (this) {
            if (!checkedRunner) {
                runner.checkAvailable();
                checkedRunner = true;
            }
        }
        return checkDerivation(s, r.drvPath(), r.drv(), r.inputs(), opts);
    }

    private record Resolved(String drvPath, Derivation drv, SortedMap<String, Path> inputs, String problem) {}

    private Resolved resolve(String subject) {
        var view = store.view();
        String drvPath = subject;
        if (!view.isValid(subject)) return new Resolved(subject, null, null, "unknown path: " + subject + " is not valid in this store");
        if (!subject.endsWith(".drv")) {
            var deriver = view.deriver(subject);
            if (deriver.isEmpty()) return new Resolved(subject, null, null, "no deriver recorded for " + subject);
            drvPath = deriver.get();
            if (!view.isValid(drvPath))
                return new Resolved(drvPath, null, null, "deriver " + drvPath + " of " + subject + " is not in this store");
        }
        Derivation d;
        try {
            d = DrvFiles.read(dir, store.config().physical(drvPath));
        } catch (IOException | RuntimeException e) {
            return new Resolved(drvPath, null, null, "cannot read derivation " + drvPath + ": " + message(e));
        }
        try {
            return new Resolved(drvPath, d, builder.inputClosure(drvPath, d), null);
        } catch (StoreException e) {
            return new Resolved(drvPath, null, null, message(e));
        }
    }

    /**
     * Runs the rounds; without variations, the last round's outputs are checked and compared in the
     * returned {@link Pending} (after the sandbox, outside the job slot), otherwise everything is done here.
     */
    private Pending checkDerivation(String subject, String drvPath, Derivation d, SortedMap<String, Path> inputs,
                                    Options opts) throws IOException {
        SortedMap<String, String> outPaths = new TreeMap<>(builder.outputsOf(drvPath));
        List<Path> works = new ArrayList<>();
        List<DerivationBuilder.Result> rounds = new ArrayList<>();
        try {
            for (int i = 1; i <= opts.rounds(); i++) {
                Path work = store.state().resolve("builds").resolve("rebuild-" + UUID.randomUUID());
                Files.createDirectories(work);
                works.add(work);
                Variation variation = opts.plan().forRound(i);
                progress.println("checking '" + drvPath + "' (round " + i + " of " + opts.rounds()
                        + (opts.plan().isNone() ? "" : ", variation " + variation.describe()) + ")...");
                ByteArrayOutputStream log = new ByteArrayOutputStream();
                DerivationBuilder.Sandboxed ran;
                try {
                    ran = builder.runSandbox(new DerivationBuilder.Request(drvPath, d, variation, work.resolve("scratch"),
                            work.resolve("build"), opts.limits(), 0), inputs, log);
                } catch (RuntimeException e) {
                    return done(finish(subject, drvPath, new Verdict.Inconclusive("build failed: " + message(e)),
                            Map.of(), opts, works, true));
                }
                int round = i;
                Pending rest = () -> {
                    try {
                        DerivationBuilder.Result r;
                        try {
                            r = builder.checkOutputs(ran);
                        } catch (RuntimeException e) {
                            return finish(subject, drvPath, new Verdict.Inconclusive("build failed: " + message(e)),
                                    Map.of(), opts, works, true);
                        }
                        if (!r.succeeded())
                            return finish(subject, drvPath, new Verdict.Inconclusive("build failed in round " + round + ": "
                                    + r.failure() + tail(log)), Map.of(), opts, works, true);
                        rounds.add(r);
                        return round == opts.rounds() ? compare(subject, drvPath, d, outPaths, rounds, works, opts) : null;
                    } catch (IOException | RuntimeException e) {
                        discard(works);
                        throw e;
                    }
                };
                if (i == opts.rounds() && opts.plan().isNone()) return rest;
                Result early = rest.result();
                if (early != null) return done(early);
            }
            throw new IllegalStateException("no round ran");
        } catch (IOException | RuntimeException e) {
            discard(works);
            throw e;
        }
    }

    /** Compares every output of the rounds with the recorded hash (or the first round's), explains and attributes. */
    private Result compare(String subject, String drvPath, Derivation d, SortedMap<String, String> outPaths,
                           List<DerivationBuilder.Result> rounds, List<Path> works, Options opts) throws IOException {
        Map<String, OutputResult> outputs = new TreeMap<>();
        List<String> diverged = new ArrayList<>();
        List<String> notBuilt = new ArrayList<>();
        Map<String, String> expectedHashes = new TreeMap<>();
        int firstBadRound = Integer.MAX_VALUE;
        for (var e : outPaths.entrySet()) {
            String name = e.getKey(), path = e.getValue();
            RegisteredPath info = store.view().isValid(path) ? store.view().info(path).orElse(null) : null;
            String recorded = info == null ? null : info.narHash();
            List<String> rebuilt = new ArrayList<>();
            List<Path> trees = new ArrayList<>();
            for (DerivationBuilder.Result r : rounds) {
                DerivationBuilder.BuiltOutput o = r.outputs().get(name);
                rebuilt.add(o.narHash().toPrefixedNix32());
                trees.add(o.hostPath());
            }
            Path reference = recorded != null ? store.config().physical(path) : trees.get(0);
            String expected = recorded != null ? recorded : rebuilt.get(0);
            List<String> files = List.of();
            List<FileDiffs.FileDiff> explained = List.of();
            int bad = rebuilt.indexOf(rebuilt.stream().filter(h -> !h.equals(expected)).findFirst().orElse(null));
            if (recorded == null && rounds.size() == 1) notBuilt.add(name);
            else if (bad >= 0) {
                diverged.add(name);
                firstBadRound = Math.min(firstBadRound, bad + 1);
                files = TreeDiff.between(reference, trees.get(bad));
                explained = diffs.between(reference, trees.get(bad));
            }
            outputs.put(name, new OutputResult(name, path, recorded, rebuilt, files, explained));
            expectedHashes.put(name, expected);
        }
        Attribution why = diverged.isEmpty() || opts.plan().isNone() ? null
                : firstBadRound == 1 ? Attribution.nonDeterministicInRound1()
                : Attribution.find(opts.plan(), firstBadRound, (v, label) -> trial(drvPath, d, v, label, expectedHashes, opts, works));
        Verdict v;
        if (!diverged.isEmpty())
            v = new Verdict.Diverged("output" + (diverged.size() > 1 ? "s " : " ") + String.join(", ", diverged)
                    + " differ" + (diverged.size() > 1 ? "" : "s") + " from "
                    + (outputs.get(diverged.get(0)).recorded() != null ? "the recorded output" : "the first round")
                    + (why == null ? "" : "; " + why.explanation()));
        else if (!notBuilt.isEmpty())
            v = new Verdict.Inconclusive("not built yet: nothing recorded for output" + (notBuilt.size() > 1 ? "s " : " ")
                    + String.join(", ", notBuilt) + " and only one round (use --rounds 2 to compare rebuilds)");
        else v = new Verdict.Reproducible();
        Result res = finish(subject, drvPath, v, outputs, opts, works, !(v instanceof Verdict.Reproducible));
        return why == null ? res : new Result(res.subject(), res.drvPath(), res.verdict(), res.outputs(), res.variation(),
                res.rounds(), res.kept(), why);
    }

    private Result finish(String subject, String drvPath, Verdict v, Map<String, OutputResult> outputs, Options opts,
                          List<Path> works, boolean failed) {
        List<Path> kept = List.of();
        if (failed && opts.keepFailed()) kept = works;
        else discard(works);
        return new Result(subject, drvPath, v, new TreeMap<>(outputs), opts.describeVariation(), opts.rounds(), kept);
    }

    /**
     * One attribution rebuild in {@code v}: {@link Attribution#SAME} if every output's NAR hash equals
     * {@code expected}, {@link Attribution#DIFFERS} if one does not, {@code failed: …} if the build failed.
     */
    private String trial(String drvPath, Derivation d, Variation v, String label, Map<String, String> expected,
                         Options opts, List<Path> works) {
        progress.println("checking '" + drvPath + "' (" + (label.equals(Attribution.PLAIN) ? "plain rebuild"
                : label + " alone: " + v.describe()) + ")...");
        try {
            Path work = store.state().resolve("builds").resolve("rebuild-" + UUID.randomUUID());
            Files.createDirectories(work);
            works.add(work);
            DerivationBuilder.Result r = builder.build(new DerivationBuilder.Request(drvPath, d, v, work.resolve("scratch"),
                    work.resolve("build"), opts.limits(), 0), OutputStream.nullOutputStream());
            if (!r.succeeded()) return "failed: " + r.failure();
            for (var e : expected.entrySet()) {
                DerivationBuilder.BuiltOutput o = r.outputs().get(e.getKey());
                if (o == null || !o.narHash().toPrefixedNix32().equals(e.getValue())) return Attribution.DIFFERS;
            }
            return Attribution.SAME;
        } catch (IOException | RuntimeException e) {
            return "failed: " + message(e);
        }
    }

    private static void discard(List<Path> works) {
        for (Path w : works) OutputCanonicalizer.delete(w);
    }

    private static String tail(ByteArrayOutputStream log) {
        String[] lines = log.toString(StandardCharsets.UTF_8).split("\n");
        int from = Math.max(0, lines.length - 5);
        StringBuilder b = new StringBuilder();
        for (int i = from; i < lines.length; i++) if (!lines[i].isBlank()) b.append("\n> ").append(lines[i]);
        return b.toString();
    }

    private static String message(Throwable e) { return e.getMessage() == null ? e.toString() : e.getMessage(); }
}
