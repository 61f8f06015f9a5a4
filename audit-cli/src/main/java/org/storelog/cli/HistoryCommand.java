package org.storelog.cli;

import java.time.Instant;
import java.util.concurrent.Callable;
import org.storelog.app.History;
import org.storelog.app.Store;
import picocli.CommandLine.Model.CommandSpec;

/** {@code audit history}; its model is built in code for start-up ({@link CommandSpecs}), as query's. */
final class HistoryCommand implements Callable<Integer> {
    private final CommandSpec spec;
    String path;
    boolean json;

    private HistoryCommand() {
        spec = CommandSpecs.command(this, "history",
                "Show a path's provenance: when and how it was registered (added, imported, built), its "
                        + "signatures, check results, deletions and re-registrations, each with sequence number and time.");
        spec.addPositional(CommandSpecs.positional(CommandSpecs.<String>bind(() -> path, v -> path = v), String.class)
                .index("0").arity("1").required(true).paramLabel("PATH").build());
        spec.addOption(CommandSpecs.option(CommandSpecs.<Boolean>bind(() -> json, v -> json = v), boolean.class, "--json")
                .description("Print JSON.").build());
    }

    /** A new model of the command (with a new command object). */
    static CommandSpec spec() { return new HistoryCommand().spec; }

    @Override
    public Integer call() {
        try (Store store = Store.open(Audit.state(spec), false)) {
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
