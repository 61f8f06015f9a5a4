package org.storelog.nar;

import java.util.Set;
import org.storelog.domain.hash.Hash;

/**
 * What one pass over a NAR yields: its hash (as in a narinfo's {@code NarHash}), its size and the
 * candidate store path hash parts it mentions (the path's references).
 */
public record NarDigest(Hash narHash, long narSize, Set<String> foundHashParts) {
    public NarDigest {
        foundHashParts = Set.copyOf(foundHashParts);
    }
}
