package org.storelog.cli;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.storelog.app.Store;
import org.storelog.app.StoreException;
import org.storelog.app.gc.Collector;
import org.storelog.app.gc.Impact;
import org.storelog.app.gc.Why;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "gc", mixinStandardHelpOptions = true,
        subcommands = {GcCommand.ImpactCommand.class, GcCommand.WhyCommand.class},
        description = {"Delete dead store paths (standalone stores only), Nix's liveness rules.",
                "--dry-run prints the dead paths one per line on stdout, like 'nix-store --gc --print-dead'."})
final class GcCommand implements Callable<Integer> {
    @ParentCommand Audit audit;

    static final class KeepOptions {
        @Option(names = "--keep-derivations", negatable = true,
                description = "Keep the deriver of a live output (default on).") Boolean keepDerivationsFlag;
        @Option(names = "--keep-outputs", negatable = true,
                description = "Keep the outputs of a live derivation (default off).") Boolean keepOutputsFlag;

        boolean keepDerivations() { return keepDerivationsFlag == null || keepDerivationsFlag; }
        boolean keepOutputs() { return keepOutputsFlag != null && keepOutputsFlag; }
    }

    @picocli.CommandLine.Mixin KeepOptions keep = new KeepOptions();
    @Option(names = "--dry-run", description = "Only print the dead paths.") boolean dryRun;
    @Option(names = "--max-freed", paramLabel = "BYTES", defaultValue = "-1",
            description = "Stop once this many bytes (NAR size) are freed.") long maxFreed;

    @Override
    public Integer call() throws java.io.IOException {
        try (Store store = Store.open(audit.state(), !dryRun)) {
            if (!dryRun) store.requireStandalone("deleting store paths ('audit gc'; use --dry-run or 'audit gc impact')");
            if (dryRun) {
                Collector.DeadSet d = Collector.deadSet(store.view(), keep.keepDerivations(), keep.keepOutputs());
                d.print(System.out);
                System.err.println(d.ids().length + " dead paths, " + d.bytes() + " bytes would be freed");
            } else {
                Collector.SweepResult r = Collector.sweep(store, keep.keepDerivations(), keep.keepOutputs(), maxFreed, false);
                if (!r.closedSweeps().isEmpty())
                    System.err.println("recorded the end of " + r.closedSweeps().size() + " interrupted sweep(s)");
                System.err.println("sweep " + r.sweepId() + ": deleted " + r.deletedCount() + " of " + r.dead().size()
                        + " dead paths, " + r.freedBytes() + " bytes freed" + (r.complete() ? "" : " (stopped at --max-freed)"));
            }
            return 0;
        }
    }

    @Command(name = "impact", mixinStandardHelpOptions = true,
            description = "What a collection would free, per root closure and exclusive sizes, and what-if root removals.")
    static final class ImpactCommand implements Callable<Integer> {
        @ParentCommand GcCommand gc;
        @picocli.CommandLine.Mixin KeepOptions keep = new KeepOptions();
        @Option(names = "--remove-root", paramLabel = "NAME", description = "What-if: roots to remove.") List<String> remove = List.of();
        @Option(names = "--top", paramLabel = "N", defaultValue = "10", description = "Largest dead paths to list.") int top;
        @Option(names = "--json", description = "Print JSON.") boolean json;
        @Option(names = "--html", paramLabel = "FILE", description = "Write a self-contained HTML report to FILE.")
        java.nio.file.Path html;

        @Override
        public Integer call() throws java.io.IOException {
            try (Store store = Store.open(gc.audit.state(), false)) {
                for (String n : remove)
                    if (!store.view().roots().containsKey(n)) throw new StoreException(64, "no root named '" + n + "'");
                Impact.Report r = Impact.compute(store.view(), keep.keepDerivations(), keep.keepOutputs(),
                        new LinkedHashSet<>(remove), top);
                if (html != null) {
                    java.nio.file.Files.writeString(html, org.storelog.app.gc.ImpactHtml.render(r));
                    System.err.println("wrote " + html);
                    if (!json) return 0;
                }
                if (json) { Json.print(r); return 0; }
                System.out.printf("total %d paths, %d bytes%n", r.totalCount(), r.totalBytes());
                System.out.printf("live  %d paths, %d bytes%n", r.liveCount(), r.liveBytes());
                System.out.printf("dead  %d paths, %d bytes%n", r.deadCount(), r.deadBytes());
                System.out.println("roots (closure / exclusive):");
                for (Impact.RootImpact ri : r.roots())
                    System.out.printf("  %s  %d paths %d bytes / %d paths %d bytes  %s%n", ri.name(), ri.closureCount(),
                            ri.closureBytes(), ri.exclusiveCount(), ri.exclusiveBytes(), ri.path());
                if (r.whatIf() != null)
                    System.out.printf("removing %s would kill %d paths, %d bytes%n", r.whatIf().removedRoots(),
                            r.whatIf().wouldDie().size(), r.whatIf().wouldFreeBytes());
                if (!r.largestDead().isEmpty()) System.out.println("largest dead paths:");
                r.largestDead().forEach(d -> System.out.printf("  %d  %s%n", d.narSize(), d.path()));
                return 0;
            }
        }
    }

    @Command(name = "why", mixinStandardHelpOptions = true,
            description = "Show the shortest chain from a root to PATH, or say that PATH is dead.")
    static final class WhyCommand implements Callable<Integer> {
        @ParentCommand GcCommand gc;
        @picocli.CommandLine.Mixin KeepOptions keep = new KeepOptions();
        @Parameters(index = "0", paramLabel = "PATH") String path;
        @Option(names = "--json", description = "Print JSON.") boolean json;

        @Override
        public Integer call() {
            try (Store store = Store.open(gc.audit.state(), false)) {
                String p = StoreArgs.storePath(store.config(), path);
                var chain = Why.chain(store.view(), p, keep.keepDerivations(), keep.keepOutputs());
                if (json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("path", p);
                    m.put("valid", store.view().isValid(p));
                    m.put("live", chain.isPresent());
                    chain.ifPresent(c -> { m.put("root", c.root()); m.put("chain", c.chain()); });
                    Json.print(m);
                } else if (chain.isPresent()) {
                    System.out.println("root " + chain.get().root());
                    chain.get().chain().forEach(s -> System.out.println("  " + s));
                } else {
                    System.out.println(p + (store.view().isValid(p) ? " is dead: no root reaches it" : " is not valid (deleted or never registered)"));
                }
                return chain.isPresent() ? 0 : 1;
            }
        }
    }
}
