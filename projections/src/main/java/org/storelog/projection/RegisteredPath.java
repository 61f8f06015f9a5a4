package org.storelog.projection;

import java.util.List;
import java.util.Objects;
import org.storelog.domain.event.StoreEvent.Origin;

/**
 * What the view knows about a valid path, as Nix's {@code ValidPathInfo} holds it, plus how it was
 * registered. {@code narHash} is {@code sha256:<nix32>}; {@code deriver} and {@code ca} may be null;
 * {@code references} are sorted; {@code signatures} keep the order they were added in.
 */
public record RegisteredPath(String path, String narHash, long narSize, List<String> references,
                             String deriver, long registrationTime, List<String> signatures,
                             String ca, Origin origin) {
    public RegisteredPath {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(narHash, "narHash");
        references = List.copyOf(references);
        signatures = List.copyOf(signatures);
        Objects.requireNonNull(origin, "origin");
    }
}
