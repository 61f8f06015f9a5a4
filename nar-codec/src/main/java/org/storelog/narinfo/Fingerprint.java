package org.storelog.narinfo;

import java.util.Collection;
import java.util.TreeSet;
import org.storelog.domain.hash.Hash;

/**
 * The string a Nix path signature signs, as {@code ValidPathInfo::fingerprint} in Nix's
 * {@code src/libstore/path-info.cc} builds it:
 * {@code 1;STOREPATH;NARHASH;NARSIZE;REF1,REF2,…} with the NAR hash as {@code sha256:<nix32>}
 * and the references as full store paths, sorted.
 */
public final class Fingerprint {
    private Fingerprint() {}

    public static String of(String storePath, Hash narHash, long narSize, Collection<String> referencePaths) {
        if (narSize <= 0)
            throw new IllegalArgumentException("cannot fingerprint '" + storePath + "': its NAR size is not known");
        return "1;" + storePath + ";" + narHash.toPrefixedNix32() + ";" + narSize + ";"
                + String.join(",", new TreeSet<>(referencePaths));
    }
}
