package org.storelog.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.storelog.app.Store;
import org.storelog.app.StoreException;
import org.storelog.domain.event.StoreEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "roots", mixinStandardHelpOptions = true,
        description = {"Manage GC roots: 'roots add NAME PATH', 'roots remove NAME', 'roots list'. Each change is an event."})
final class RootsCommand implements Callable<Integer> {
    @ParentCommand Audit audit;

    @Parameters(index = "0", paramLabel = "ACTION", description = "add | remove | list") String action;
    @Parameters(index = "1..*", arity = "0..*", paramLabel = "ARG") List<String> args = List.of();

    @picocli.CommandLine.Option(names = "--json", description = "Print JSON (list).") boolean json;

    @Override
    public Integer call() {
        switch (action) {
            case "add" -> {
                if (args.size() != 2) throw new StoreException(64, "usage: audit roots add NAME PATH");
                try (Store store = Store.open(audit.state(), true)) {
                    String p = StoreArgs.storePath(store.config(), args.get(1));
                    if (!store.view().isValid(p)) throw new StoreException(1, "path '" + p + "' is not valid");
                    store.commit(List.of(new StoreEvent.RootAdded(args.get(0), p)));
                }
                return 0;
            }
            case "remove" -> {
                if (args.size() != 1) throw new StoreException(64, "usage: audit roots remove NAME");
                try (Store store = Store.open(audit.state(), true)) {
                    String p = store.view().roots().get(args.get(0));
                    if (p == null) throw new StoreException(1, "no root named '" + args.get(0) + "'");
                    store.commit(List.of(new StoreEvent.RootRemoved(args.get(0), p)));
                }
                return 0;
            }
            case "list" -> {
                if (!args.isEmpty()) throw new StoreException(64, "usage: audit roots list");
                try (Store store = Store.open(audit.state(), false)) {
                    Map<String, String> roots = store.view().roots();
                    if (json) Json.print(roots);
                    else roots.forEach((n, p) -> System.out.println(n + " -> " + p));
                }
                return 0;
            }
            default -> throw new StoreException(64, "unknown roots action '" + action + "'; expected add, remove or list");
        }
    }
}
