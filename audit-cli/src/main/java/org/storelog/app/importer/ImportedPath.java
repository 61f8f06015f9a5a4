package org.storelog.app.importer;

import java.util.List;

/**
 * One valid path as a Nix (or Guix) store database holds it. {@code narHash} is normalised to
 * {@code sha256:<nix32>}; {@code deriver} and {@code ca} may be null.
 */
public record ImportedPath(String path, String narHash, long narSize, List<String> references,
                           String deriver, String ca, List<String> signatures, long registrationTime) {
    public ImportedPath {
        references = List.copyOf(references);
        signatures = List.copyOf(signatures);
    }
}
