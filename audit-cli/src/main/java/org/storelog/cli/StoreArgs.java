package org.storelog.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.storelog.app.StoreConfig;
import org.storelog.app.StoreException;

/** Turns command-line arguments into logical store paths, as nix-store does (following symlinks such as ./result). */
final class StoreArgs {
    private StoreArgs() {}

    static String storePath(StoreConfig config, String arg) {
        String dir = config.storeDir();
        String candidate = arg;
        if (!arg.startsWith(dir + "/")) {
            Path p = Path.of(arg);
            if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Path real = p.toRealPath();
                    String phys = config.physicalStore();
                    String r = real.toString();
                    if (r.startsWith(phys + "/")) candidate = dir + r.substring(phys.length());
                    else if (Files.isSymbolicLink(p)) candidate = Files.readSymbolicLink(p).toString();
                    else candidate = r;
                } catch (IOException e) {
                    throw new StoreException(1, "cannot resolve " + arg + ": " + e.getMessage());
                }
            }
        }
        if (!candidate.startsWith(dir + "/"))
            throw new StoreException(64, "path '" + arg + "' is not in the store directory " + dir);
        String rest = candidate.substring(dir.length() + 1);
        int slash = rest.indexOf('/');
        String base = slash < 0 ? rest : rest.substring(0, slash);
        String problem = org.storelog.app.importer.StorePathsCheck.problem(dir, dir + "/" + base);
        if (problem != null) throw new StoreException(64, "'" + arg + "' is not a valid store path: " + problem);
        return dir + "/" + base;
    }
}
