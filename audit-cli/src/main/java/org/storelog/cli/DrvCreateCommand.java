package org.storelog.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.storelog.app.Store;
import org.storelog.app.StoreException;
import org.storelog.app.build.DerivationBuilder;
import org.storelog.app.build.DerivationRegistrar;
import org.storelog.domain.drv.Derivation;
import org.storelog.domain.drv.DerivationOutput;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.store.FileIngestionMethod;
import org.storelog.domain.store.StoreDir;
import org.storelog.domain.store.StorePath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code audit drv create}: writes a derivation as Nix's {@code derivation} builtin would (env holds
 * name, system, builder, the output names and every --env; outputs are computed) and registers it.
 */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = {"Write a derivation into the standalone store and print its .drv path.",
                "The builder's store path is added to the input sources when it is valid and not listed. "
                        + "Inputs must be valid. Build it with 'audit build'."})
final class DrvCreateCommand implements Callable<Integer> {
    @ParentCommand DrvCommand drv;

    @Option(names = "--name", required = true, paramLabel = "N") String name;
    @Option(names = "--builder", required = true, paramLabel = "PATH") String builder;
    @Option(names = "--arg", paramLabel = "A", description = "Builder argument (repeatable).") List<String> args = new ArrayList<>();
    @Option(names = "--env", paramLabel = "K=V", description = "Environment variable (repeatable).") List<String> env = new ArrayList<>();
    @Option(names = "--input-drv", paramLabel = "DRV[!OUT,…]", description = "Input derivation and the outputs used (default out).")
    List<String> inputDrvs = new ArrayList<>();
    @Option(names = "--input-src", paramLabel = "PATH", description = "Input source path.") List<String> inputSrcs = new ArrayList<>();
    @Option(names = "--output", paramLabel = "NAME", description = "Output name (repeatable; default out).") List<String> outputs = new ArrayList<>();
    @Option(names = "--fixed", paramLabel = "HASH", description = "Fixed-output derivation with this hash (sha256:…, SRI, …).")
    String fixed;
    @Option(names = "--recursive", description = "With --fixed: the hash is of the NAR (outputHashMode = recursive).")
    boolean recursive;
    @Option(names = "--system", paramLabel = "SYSTEM", description = "System type (default: this machine's).") String system;

    @Override
    public Integer call() throws Exception {
        Audit audit = drv.audit;
        try (Store store = Store.open(audit.state(), true)) {
            store.requireStandalone("creating a derivation");
            StoreDir dir = StoreDir.of(store.config().storeDir());
            String sys = system == null ? DerivationBuilder.hostSystem() : system;
            TreeMap<StorePath, List<String>> drvs = new TreeMap<>();
            TreeSet<StorePath> srcs = new TreeSet<>();
            for (String in : inputDrvs) {
                int bang = in.indexOf('!');
                String p = StoreArgs.storePath(store.config(), bang < 0 ? in : in.substring(0, bang));
                List<String> outs = bang < 0 ? List.of("out") : List.of(in.substring(bang + 1).split(","));
                drvs.computeIfAbsent(StorePath.parse(dir, p), k -> new ArrayList<>()).addAll(outs);
            }
            for (String src : inputSrcs) srcs.add(StorePath.parse(dir, StoreArgs.storePath(store.config(), src)));
            if (builder.startsWith(dir.path() + "/")) {
                String base = StoreArgs.storePath(store.config(), builder);
                if (store.view().isValid(base)) srcs.add(StorePath.parse(dir, base));
            }
            if (fixed == null && recursive) throw new StoreException(ExitCodes.USAGE, "--recursive needs --fixed");
            List<String> outNames = outputs.isEmpty() ? List.of("out") : outputs;
            Map<String, String> e = new LinkedHashMap<>();
            for (String kv : env) {
                int eq = kv.indexOf('=');
                if (eq <= 0) throw new StoreException(ExitCodes.USAGE, "--env expects K=V, got '" + kv + "'");
                e.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            e.put("name", name);
            e.put("system", sys);
            e.put("builder", builder);
            if (!outputs.isEmpty()) e.put("outputs", String.join(" ", outNames));
            Map<String, DerivationOutput> outs = new TreeMap<>();
            if (fixed != null) {
                if (!outNames.equals(List.of("out"))) throw new StoreException(ExitCodes.USAGE, "a fixed-output derivation has the one output 'out'");
                Hash h;
                try {
                    h = Hash.parse(fixed);
                } catch (IllegalArgumentException ex) {
                    throw new StoreException(ExitCodes.USAGE, "--fixed: " + ex.getMessage());
                }
                outs.put("out", DerivationOutput.fixed(java.util.Optional.empty(),
                        recursive ? FileIngestionMethod.RECURSIVE : FileIngestionMethod.FLAT, h));
                e.put("outputHash", fixed);
                e.put("outputHashAlgo", h.algorithm().nixName());
                e.put("outputHashMode", recursive ? "recursive" : "flat");
            } else {
                for (String o : outNames) outs.put(o, DerivationOutput.deferred());
            }
            for (String o : outNames) e.putIfAbsent(o, "");
            try {
                StorePath.checkName(name);
            } catch (RuntimeException ex) {
                throw new StoreException(ExitCodes.USAGE, "--name: " + ex.getMessage());
            }
            Derivation d = Derivation.of(name, outs, drvs, srcs, sys, builder, args, e);
            System.out.println(new DerivationRegistrar(store).create(d));
        }
        return ExitCodes.OK;
    }
}
