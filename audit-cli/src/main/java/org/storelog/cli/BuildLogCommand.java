package org.storelog.cli;

import java.util.concurrent.Callable;
import org.storelog.app.Store;
import org.storelog.app.StoreException;
import org.storelog.app.build.BuildLogs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "build-log", mixinStandardHelpOptions = true,
        description = "Print the log of the last build of a derivation (as 'nix-store --read-log').")
final class BuildLogCommand implements Callable<Integer> {
    @ParentCommand Audit audit;

    @Parameters(index = "0", paramLabel = "DRV") String drv;

    @Override
    public Integer call() throws Exception {
        try (Store store = Store.open(audit.state(), false)) {
            String path = StoreArgs.storePath(store.config(), drv);
            var log = new BuildLogs(store.state()).latest(path)
                    .orElseThrow(() -> new StoreException(1, "build log of derivation '" + path + "' is not available"));
            BuildLogs.copy(log, System.out);
            System.out.flush();
        }
        return ExitCodes.OK;
    }
}
