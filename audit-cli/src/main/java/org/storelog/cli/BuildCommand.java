package org.storelog.cli;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.storelog.app.Store;
import org.storelog.app.build.Builds;
import org.storelog.app.build.DerivationRegistrar;
import org.storelog.domain.drv.Derivation;
import org.storelog.domain.drv.DrvFiles;
import org.storelog.domain.store.StoreDir;
import org.storelog.sandbox.Limits;
import org.storelog.sandbox.SandboxRunner;
import picocli.CommandLine.Model.CommandSpec;

/** {@code audit build}; its model is built in code for start-up ({@link CommandSpecs}). */
final class BuildCommand implements Callable<Integer> {
    private final CommandSpec spec;
    List<String> drvs;
    int jobs;
    boolean keepFailed;
    long timeout;
    long maxSilent;

    private BuildCommand() {
        spec = CommandSpecs.command(this, "build",
                "Build derivations in a sandbox like Nix's and register their outputs; print the output paths "
                        + "on stdout (as nix-build does).",
                "A DRV may be a .drv file not yet in the store: it is added as a text path (input derivations found "
                        + "next to it are added too; input sources must already be in the store).",
                "Standalone stores only.");
        spec.addPositional(CommandSpecs.positional(CommandSpecs.<List<String>>bind(() -> drvs, v -> drvs = v), List.class)
                .auxiliaryTypes(String.class).arity("1..*").required(true).paramLabel("DRV").build());
        spec.addOption(CommandSpecs.option(CommandSpecs.<Integer>bind(() -> jobs, v -> jobs = v), int.class, "-j", "--jobs")
                .paramLabel("<jobs>").defaultValue("1").description("Builds run in parallel (default 1).").build());
        spec.addOption(CommandSpecs.option(CommandSpecs.<Boolean>bind(() -> keepFailed, v -> keepFailed = v), boolean.class,
                "--keep-failed").description("Keep the build directory of a failed build and say where.").build());
        spec.addOption(CommandSpecs.option(CommandSpecs.<Long>bind(() -> timeout, v -> timeout = v), long.class, "--timeout")
                .paramLabel("S").defaultValue("0").description("Kill a build after S seconds (0: no limit).").build());
        spec.addOption(CommandSpecs.option(CommandSpecs.<Long>bind(() -> maxSilent, v -> maxSilent = v), long.class,
                "--max-silent-time").paramLabel("S").defaultValue("0")
                .description("Kill a build that prints nothing for S seconds (0: no limit).").build());
    }

    /** A new model of the command (with a new command object). */
    static CommandSpec spec() { return new BuildCommand().spec; }

    @Override
    public Integer call() throws Exception {
        if (jobs < 1) throw new org.storelog.app.StoreException(ExitCodes.USAGE, "--jobs must be at least 1");
        if (timeout < 0 || maxSilent < 0)
            throw new org.storelog.app.StoreException(ExitCodes.USAGE, "--timeout and --max-silent-time must not be negative");
        long opened = org.storelog.sandbox.PhaseClock.start();
        try (Store store = Store.open(Audit.state(spec), true)) {
            org.storelog.sandbox.PhaseClock.end("build: open the store", opened);
            store.requireStandalone("building");
            Builds builds = new Builds(store, new SandboxRunner(), System.err);
            StoreDir dir = StoreDir.of(store.config().storeDir());
            List<String> paths = new ArrayList<>();
            for (String arg : drvs) {
                Path file = Path.of(arg);
                boolean inStore = store.view().isValid(arg)
                        || (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && isUnder(file, store.config().physicalStore())
                        && store.view().isValid(StoreArgs.storePath(store.config(), arg)));
                if (inStore) {
                    paths.add(StoreArgs.storePath(store.config(), arg));
                    continue;
                }
                if (!Files.isRegularFile(file))
                    throw new org.storelog.app.StoreException(ExitCodes.USAGE, "'" + arg
                            + "' is neither a derivation in the store nor a .drv file");
                Derivation d = DrvFiles.read(dir, file);
                Path parent = file.toAbsolutePath().getParent();
                builds.builder().preflight(arg, d, in -> {
                    var outs = builds.builder().outputsOf(in);
                    if (!outs.isEmpty() || parent == null) return outs;
                    try {
                        var m = new java.util.TreeMap<String, String>();
                        Path sib = parent.resolve(in.substring(in.lastIndexOf('/') + 1));
                        if (Files.isRegularFile(sib))
                            DrvFiles.read(dir, sib).outputs().forEach((n, o) -> o.path().ifPresent(p -> m.put(n, p.absolute(dir))));
                        return m;
                    } catch (java.io.IOException e) {
                        return outs;
                    }
                });
                long t0 = org.storelog.sandbox.PhaseClock.start();
                paths.add(new DerivationRegistrar(store).importFile(file));
                org.storelog.sandbox.PhaseClock.end("build: add .drv files", t0);
            }
            long t0 = org.storelog.sandbox.PhaseClock.start();
            Builds.Report report = builds.build(paths, new Builds.Options(jobs, keepFailed,
                    new Limits(Duration.ofSeconds(timeout), Duration.ofSeconds(maxSilent))));
            org.storelog.sandbox.PhaseClock.end("build: all builds (plan to last commit)", t0);
            for (Builds.Failure f : report.failures()) {
                System.err.println("error: " + f.reason());
                if (!f.logTail().isEmpty()) {
                    System.err.println("last " + f.logTail().size() + " log lines:");
                    f.logTail().forEach(l -> System.err.println("> " + l));
                }
                if (f.keptBuildDir() != null) System.err.println("note: keeping build directory '" + f.keptBuildDir() + "'");
            }
            if (!report.ok()) {
                System.err.println("error: build of " + String.join(", ", paths) + " failed");
                return ExitCodes.FAILURE;
            }
            for (var outs : report.outputs().values()) outs.values().forEach(System.out::println);
        }
        return ExitCodes.OK;
    }

    private static boolean isUnder(Path file, String dir) {
        return file.toAbsolutePath().normalize().toString().startsWith(dir + "/");
    }
}
