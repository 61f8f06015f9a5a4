package org.storelog.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.storelog.app.Store;
import org.storelog.app.StoreConfig;
import org.storelog.app.StoreException;
import org.storelog.app.importer.Importer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Create a store in the state directory.",
                "Standalone (default): a store of its own. Its logical directory (--store-dir, default /nix/store) "
                        + "is the one inside paths and hashes; its files live under --root DIR (as ROOT/STORE-DIR, like "
                        + "Nix's local?root=), by default under the state directory.",
                "--attach-nix[=ROOT]: audit the Nix store under ROOT (default /) read-only, and import its database now."})
final class InitCommand implements Callable<Integer> {
    @ParentCommand Audit audit;

    @Option(names = "--store-dir", paramLabel = "DIR", description = "Logical store directory (default /nix/store).")
    String storeDir;

    @Option(names = "--root", paramLabel = "DIR", description = "Files live under DIR/STORE-DIR (standalone only).")
    Path root;

    @Option(names = "--attach-nix", arity = "0..1", fallbackValue = "/", paramLabel = "ROOT",
            description = "Attach to the Nix store under ROOT (default /); never writes to it.")
    String attachNix;

    @Override
    public Integer call() throws Exception {
        Path state = audit.state();
        StoreConfig config;
        if (attachNix != null) {
            if (storeDir != null || root != null)
                throw new StoreException(64, "--attach-nix cannot be combined with --store-dir or --root");
            Path nixRoot = Path.of(attachNix).toAbsolutePath().normalize();
            config = new StoreConfig("/nix/store", StoreConfig.ATTACHED,
                    nixRoot.resolve("nix/store").toString(), nixRoot.toString());
            if (!Files.isReadable(config.nixDb()))
                throw new StoreException(1, "no Nix database at " + config.nixDb()
                        + "; is Nix installed there? (apt-get install nix-bin)");
        } else {
            String dir = storeDir == null ? "/nix/store" : storeDir;
            if (!dir.startsWith("/") || dir.endsWith("/") || dir.length() < 2)
                throw new StoreException(64, "--store-dir must be an absolute path without a trailing slash: " + dir);
            Path physical;
            if (root != null) physical = Path.of(root.toAbsolutePath().normalize() + dir);
            else if (storeDir != null) physical = Path.of(dir);
            else physical = Path.of(state.toAbsolutePath() + "/root" + dir);
            config = new StoreConfig(dir, StoreConfig.STANDALONE, physical.toString(), null);
        }
        try (Store store = Store.create(state, config)) {
            System.err.println("initialized " + config.mode() + " store in " + state + ": store directory "
                    + config.storeDir() + (config.physicalStore().equals(config.storeDir()) ? "" : ", files in " + config.physicalStore()));
            if (config.attached()) {
                var report = new Importer(store).importNixDb(config.nixDb(), Progress.forTerminal("importing"));
                System.err.println(report.summary());
                System.err.println("GC roots: " + org.storelog.app.gc.NixRoots.sync(store) + " recorded");
            }
        }
        return 0;
    }
}
