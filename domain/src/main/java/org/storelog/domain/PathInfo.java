package org.storelog.domain;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.store.StorePath;

/**
 * What the store knows about a valid path, as Nix's {@code ValidPathInfo}
 * ({@code src/libstore/path-info.hh}): NAR hash and size, references (possibly including the
 * path itself), deriver, registration time (seconds since the epoch), signatures
 * ({@code keyname:base64}) and content address ({@code fixed:r:sha256:…}, {@code text:sha256:…}),
 * if any.
 */
public record PathInfo(StorePath path, Hash narHash, long narSize, SortedSet<StorePath> references,
                       Optional<StorePath> deriver, long registrationTime, List<String> signatures,
                       Optional<String> ca) {
    public PathInfo {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(narHash, "narHash");
        if (narSize < 0) throw new IllegalArgumentException("narSize must not be negative");
        references = Collections.unmodifiableSortedSet(new TreeSet<>(references));
        Objects.requireNonNull(deriver, "deriver");
        signatures = List.copyOf(signatures);
        Objects.requireNonNull(ca, "ca");
    }

    /** Same, from references in any order. */
    public PathInfo(StorePath path, Hash narHash, long narSize, java.util.Collection<StorePath> references,
                    Optional<StorePath> deriver, long registrationTime, List<String> signatures, Optional<String> ca) {
        this(path, narHash, narSize, new TreeSet<>(references), deriver, registrationTime, signatures, ca);
    }

    /** True if the path refers to itself. */
    public boolean selfReferencing() { return references.contains(path); }

    /** A copy with one more signature (unless already present). */
    public PathInfo withSignature(String sig) {
        if (signatures.contains(sig)) return this;
        List<String> s = new java.util.ArrayList<>(signatures);
        s.add(sig);
        return new PathInfo(path, narHash, narSize, references, deriver, registrationTime, s, ca);
    }
}
