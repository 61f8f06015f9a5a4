package org.storelog.app.importer;

import org.storelog.domain.store.InvalidStorePathException;
import org.storelog.domain.store.StoreDir;
import org.storelog.domain.store.StorePath;

/** Store path validation phrased for error messages about imported data and arguments. */
public final class StorePathsCheck {
    private StorePathsCheck() {}

    /** Null when {@code path} is a valid store path directly under {@code storeDir}; otherwise why not. */
    public static String problem(String storeDir, String path) {
        if (path == null) return "missing";
        try {
            StorePath.parse(new StoreDir(storeDir), path);
            return null;
        } catch (InvalidStorePathException e) {
            return e.getMessage();
        }
    }
}
