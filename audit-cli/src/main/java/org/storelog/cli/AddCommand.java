package org.storelog.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.storelog.app.Store;
import org.storelog.app.build.SourceAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "add", mixinStandardHelpOptions = true,
        description = {"Copy files or directories into the standalone store as 'nix-store --add' does and print their store paths.",
                "The path is computed from the tree's recursive SHA-256 NAR hash; adding again is a no-op."})
final class AddCommand implements Callable<Integer> {
    @ParentCommand Audit audit;

    @Parameters(arity = "1..*", paramLabel = "PATH") List<Path> paths;

    @Override
    public Integer call() throws Exception {
        try (Store store = Store.open(audit.state(), true)) {
            SourceAdder adder = new SourceAdder(store);
            for (Path p : paths) System.out.println(adder.add(p).path());
        }
        return ExitCodes.OK;
    }
}
