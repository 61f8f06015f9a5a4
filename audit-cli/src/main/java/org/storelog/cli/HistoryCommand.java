package org.storelog.cli;

import java.time.Instant;
import java.util.concurrent.Callable;
import org.storelog.app.History;
import org.storelog.app.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Show a path's provenance: when and how it was registered (added, imported, built), its "
                + "signatures, check results, deletions and re-registrations, each with sequence number and time.")
final class HistoryCommand implements Callable<Integer> {
    @ParentCommand Audit audit;

    @Parameters(paramLabel = "PATH") String path;

    @Option(names = "--json", description = "Print JSON.") boolean json;

    @Override
    public Integer call() {
        try (Store store = Store.open(audit.state(), false)) {
            String p = StoreArgs.storePath(store.config(), path);
            History.Timeline t = History.of(store, p);
            if (json) {
                Json.print(t);
                return 0;
            }
            System.out.println(p + (t.validNow() ? "  (valid)" : "  (not valid)"));
            if (t.entries().isEmpty()) System.out.println("  no events concern this path");
            for (History.Entry e : t.entries())
                System.out.printf("  #%-8d %s  %s%n", e.sequence(), Instant.ofEpochMilli(e.timestamp()), e.summary());
            return 0;
        }
    }
}
