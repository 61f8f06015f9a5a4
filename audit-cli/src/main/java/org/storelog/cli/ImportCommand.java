package org.storelog.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.storelog.app.Store;
import org.storelog.app.StoreException;
import org.storelog.app.importer.Importer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import a Nix (or Guix) store database as events; importing again records only the differences.",
                "New paths are registered; imported paths the source no longer lists are deleted with reason "
                        + "\"vanished from source\". Attached stores import Nix's database when no option is given."})
final class ImportCommand implements Callable<Integer> {
    @ParentCommand Audit audit;

    static final class Source {
        @Option(names = "--nix-db", paramLabel = "FILE", description = "A store database (db.sqlite), opened read-only.")
        Path nixDb;

        @Option(names = "--dump-db", paramLabel = "FILE", description = "Text of 'nix-store --dump-db' ('-' for stdin).")
        Path dumpDb;
    }

    @ArgGroup(exclusive = true) Source source;

    @Override
    public Integer call() {
        try (Store store = Store.open(audit.state(), true)) {
            Importer importer = new Importer(store);
            var progress = Progress.forTerminal("importing");
            Importer.Report report;
            if (source == null) {
                if (!store.config().attached())
                    throw new StoreException(64, "say what to import: --nix-db FILE or --dump-db FILE");
                report = importer.importNixDb(store.config().nixDb(), progress);
                int changed = org.storelog.app.gc.NixRoots.sync(store);
                System.err.println("GC roots: " + changed + " change(s) recorded, "
                        + store.view().roots().size() + " root(s)");
            } else if (source.nixDb != null) {
                report = importer.importNixDb(source.nixDb, progress);
            } else {
                report = importer.importDumpDb(source.dumpDb, progress);
            }
            System.err.println(report.summary());
        }
        return 0;
    }
}
