package org.storelog.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.storelog.app.Store;
import org.storelog.app.StoreException;
import org.storelog.app.audit.Attribution;
import org.storelog.app.audit.ClosurePlan;
import org.storelog.app.audit.FileDiffs;
import org.storelog.app.audit.RebuildChecker;
import org.storelog.app.audit.VariationPlan;
import org.storelog.app.audit.Verdict;
import org.storelog.domain.store.StoreDir;
import org.storelog.sandbox.SandboxRunner;
import org.storelog.sandbox.Variation;
import picocli.CommandLine.Model.CommandSpec;

/** {@code audit rebuild}; its model is built in code for start-up ({@link CommandSpecs}). */
final class RebuildCommand implements Callable<Integer> {
    private final CommandSpec spec;
    boolean check;
    List<String> args;
    Integer rounds;
    String vary;
    boolean closure;
    int jobs;
    String diff;
    boolean json;
    boolean keepFailed;

    private RebuildCommand() {
        spec = CommandSpecs.command(this, "rebuild",
                "Rebuild derivations in fresh sandboxes and compare the outputs' NAR hashes with the recorded "
                        + "ones (as nix-build --check and guix build --check do), naming the files that differ.",
                "A PATH is checked through its deriver. With no recorded output, the rounds are compared with each "
                        + "other. Nothing is registered; every check is recorded as a RebuildCompared event.",
                "Works on standalone stores and on stores attached to Nix (audit init --attach-nix; the Nix store is "
                        + "only read: rebuilt outputs live in scratch directories).",
                "Exit status: 0 all reproducible, 2 some output diverged, 1 otherwise.");
        spec.addOption(CommandSpecs.option(CommandSpecs.<Boolean>bind(() -> check, v -> check = v), boolean.class, "--check")
                .required(true).description("Check reproducibility (the only mode so far).").build());
        spec.addPositional(CommandSpecs.positional(CommandSpecs.<List<String>>bind(() -> args, v -> args = v), List.class)
                .auxiliaryTypes(String.class).arity("1..*").required(true).paramLabel("DRV|PATH").build());
        spec.addOption(CommandSpecs.option(CommandSpecs.<Integer>bind(() -> rounds, v -> rounds = v), Integer.class, "--rounds")
                .paramLabel("N").description("Independent builds per derivation (default 1, or 2 with --vary other than none).")
                .build());
        spec.addOption(CommandSpecs.option(CommandSpecs.<String>bind(() -> vary, v -> vary = v), String.class, "--vary")
                .paramLabel("none|standard|LIST").defaultValue("none")
                .description("Environment of rounds 2 and later (round 1 is always Nix's): 'none' (Nix's), 'standard' "
                                + "(all of them), or a comma-separated list of: build-dir, hostname, ids, cpus, umask, build-dir-fs.",
                        "When a varied round differs, each variation is tried alone to name the cause; see docs/variations.md.")
                .build());
        spec.addOption(CommandSpecs.option(CommandSpecs.<Boolean>bind(() -> closure, v -> closure = v), boolean.class,
                "--closure").description("Check every derivation in the build closure of each argument "
                        + "(its derivation and all input derivations, recursively), each once, inputs first.").build());
        spec.addOption(CommandSpecs.option(CommandSpecs.<Integer>bind(() -> jobs, v -> jobs = v), int.class, "--jobs")
                .paramLabel("N").defaultValue("1")
                .description("Check up to N derivations in parallel, never one before its input derivations (default 1).")
                .build());
        spec.addOption(CommandSpecs.option(CommandSpecs.<String>bind(() -> diff, v -> diff = v), String.class, "--diff")
                .paramLabel("MODE").defaultValue("none")
                .description("How to show differing files: none (list them), simple (unified diff of small text files, "
                        + "sizes and SHA-256 otherwise), diffoscope (its report, when installed).").build());
        spec.addOption(CommandSpecs.option(CommandSpecs.<Boolean>bind(() -> json, v -> json = v), boolean.class, "--json")
                .description("Print JSON.").build());
        spec.addOption(CommandSpecs.option(CommandSpecs.<Boolean>bind(() -> keepFailed, v -> keepFailed = v), boolean.class,
                "--keep-failed").description("Keep the work directories of checks that were not reproducible and say where.")
                .build());
    }

    /** A new model of the command (with a new command object). */
    static CommandSpec spec() { return new RebuildCommand().spec; }

    @Override
    public Integer call() throws Exception {
        VariationPlan plan;
        try {
            plan = VariationPlan.parse(vary);
        } catch (VariationPlan.UnknownVariationException e) {
            throw new StoreException(ExitCodes.USAGE, e.getMessage());
        }
        int rounds = this.rounds == null ? plan.defaultRounds() : this.rounds;
        if (rounds < 1) throw new StoreException(ExitCodes.USAGE, "--rounds must be at least 1");
        if (rounds < 2 && !plan.isNone())
            throw new StoreException(ExitCodes.USAGE, "--vary " + vary + " changes rounds 2 and later (round 1 is Nix's "
                    + "environment): use --rounds 2 or more");
        if (jobs < 1) throw new StoreException(ExitCodes.USAGE, "--jobs must be at least 1");
        FileDiffs.Mode diffMode;
        try {
            diffMode = FileDiffs.Mode.parse(diff);
        } catch (IllegalArgumentException e) {
            throw new StoreException(ExitCodes.USAGE, e.getMessage());
        }
        List<RebuildChecker.Result> results;
        try (Store store = Store.open(Audit.state(spec), true)) {
            List<String> paths = new ArrayList<>();
            for (String a : args) paths.add(StoreArgs.storePath(store.config(), a));
            ClosurePlan work = closure
                    ? ClosurePlan.closure(paths, store.view(), StoreDir.of(store.config().storeDir()), store.config()::physical)
                    : ClosurePlan.batch(paths);
            FileDiffs differ = FileDiffs.forMode(diffMode, System.getenv("PATH"), System.err::println);
            Progress bar = Progress.onTerminal() ? new Progress("checking", System.err, System::nanoTime) : null;
            try {
                RebuildChecker checker = new RebuildChecker(store, new SandboxRunner(), bar != null ? bar.above() : System.err)
                        .diffs(differ);
                results = checker.check(work, new RebuildChecker.Options(rounds, keepFailed, Variation.NONE, null, plan), jobs,
                        bar != null ? bar : org.storelog.app.Progress.NONE);
            } finally {
                if (bar != null) bar.close();
            }
        }
        int same = 0, differed = 0, unknown = 0;
        for (RebuildChecker.Result r : results) {
            switch (r.verdict()) {
                case Verdict.Reproducible x -> same++;
                case Verdict.Diverged x -> differed++;
                case Verdict.Inconclusive x -> unknown++;
            }
        }
        if (json) printJson(results, same, differed, unknown);
        else printText(results);
        (json ? System.err : System.out).println(results.size() + " store item" + (results.size() == 1 ? " was" : "s were") + " analyzed: "
                + same + " identical, " + differed + " differed, " + unknown + " inconclusive");
        if (differed > 0) return ExitCodes.DIVERGED;
        return unknown > 0 ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    private static void printText(List<RebuildChecker.Result> results) {
        for (RebuildChecker.Result r : results) {
            System.out.println(r.drvPath() + ": " + r.verdict().word()
                    + (r.verdict().reason() == null ? "" : " (" + r.verdict().reason() + ")"));
            if (!r.variation().equals("none")) System.out.println("  variation: " + r.variation());
            if (r.attribution() != null) {
                if (!r.attribution().trials().isEmpty()) System.out.println("  trial rebuilds (to find the cause):");
                r.attribution().trials().forEach((t, res) -> System.out.println("    " + t + (t.equals(Attribution.PLAIN)
                        ? " rebuild: " : " alone: ") + res));
            }
            for (RebuildChecker.OutputResult o : r.outputs().values()) {
                System.out.println("  " + o.name() + " " + o.path());
                System.out.println("    recorded: " + (o.recorded() == null ? "(none)" : o.recorded()));
                for (int i = 0; i < o.rebuilt().size(); i++)
                    System.out.println("    round " + (i + 1) + ":  " + o.rebuilt().get(i));
                for (String f : o.differingFiles()) System.out.println("    differs: " + f);
                for (FileDiffs.FileDiff d : o.diffs()) printDiff(d);
            }
            for (Path k : r.kept()) System.out.println("  note: keeping work directory '" + k + "'");
        }
    }

    private static void printDiff(FileDiffs.FileDiff d) {
        switch (d.kind()) {
            case "text", "diffoscope" -> {
                System.out.println("    --- " + d.kind() + " diff of " + d.file() + ":");
                d.diff().lines().forEach(l -> System.out.println("      " + l));
            }
            default -> {
                StringBuilder b = new StringBuilder("    " + d.kind() + " " + d.file() + ":");
                if (d.diff() != null) b.append(' ').append(d.diff());
                if (d.sizes() != null) {
                    List<String> parts = new ArrayList<>();
                    for (int i = 0; i < d.sizes().size(); i++)
                        parts.add(d.sizes().get(i) + " bytes " + d.hashes().get(i));
                    b.append(' ').append(String.join(" → ", parts));
                }
                System.out.println(b);
            }
        }
    }

    private static void printJson(List<RebuildChecker.Result> results, int same, int differed, int unknown) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        ArrayNode arr = doc.putArray("results");
        for (RebuildChecker.Result r : results) {
            ObjectNode o = arr.addObject();
            o.put("drv", r.drvPath());
            o.put("verdict", r.verdict().word());
            o.put("reason", r.verdict().reason());
            ObjectNode outs = o.putObject("outputs");
            for (RebuildChecker.OutputResult out : r.outputs().values()) {
                ObjectNode x = outs.putObject(out.name());
                x.put("path", out.path());
                x.put("recorded", out.recorded());
                out.rebuilt().forEach(x.putArray("rebuilt")::add);
                out.differingFiles().forEach(x.putArray("differingFiles")::add);
                if (!out.diffs().isEmpty()) {
                    ArrayNode ds = x.putArray("diffs");
                    for (FileDiffs.FileDiff d : out.diffs()) {
                        ObjectNode dn = ds.addObject();
                        dn.put("file", d.file());
                        dn.put("kind", d.kind());
                        if (d.diff() != null) dn.put("diff", d.diff());
                        if (d.sizes() != null) d.sizes().forEach(dn.putArray("sizes")::add);
                        if (d.hashes() != null) d.hashes().forEach(dn.putArray("hashes")::add);
                    }
                }
            }
            o.put("variation", r.variation());
            if (r.attribution() != null) {
                r.attribution().causes().forEach(o.putArray("cause")::add);
                ObjectNode a = o.putObject("attribution");
                a.put("kind", r.attribution().kind().word());
                ObjectNode t = a.putObject("trials");
                r.attribution().trials().forEach(t::put);
            }
            if (!r.kept().isEmpty()) r.kept().forEach(k -> o.withArray("kept").add(k.toString()));
        }
        ObjectNode s = doc.putObject("summary");
        s.put("analyzed", results.size());
        s.put("reproducible", same);
        s.put("diverged", differed);
        s.put("inconclusive", unknown);
        Json.print(doc);
    }
}
