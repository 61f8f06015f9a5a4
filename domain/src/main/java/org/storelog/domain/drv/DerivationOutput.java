package org.storelog.domain.drv;

import java.util.Objects;
import java.util.Optional;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.hash.HashAlgorithm;
import org.storelog.domain.store.FileIngestionMethod;
import org.storelog.domain.store.StorePath;

/**
 * One output as the {@code .drv} file states it: path (absent when empty, i.e. not yet
 * computed), hash algorithm field ({@code [r:]algo}, empty unless fixed-output) and hash field
 * (base16, empty unless fixed-output). Kept as written so printing reproduces the file.
 */
public record DerivationOutput(Optional<StorePath> path, String hashAlgo, String hash) {
    public DerivationOutput {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(hashAlgo, "hashAlgo");
        Objects.requireNonNull(hash, "hash");
    }

    /** An input-addressed output at {@code path}. */
    public static DerivationOutput inputAddressed(StorePath path) {
        return new DerivationOutput(Optional.of(path), "", "");
    }

    /** An output whose path is still to be computed ({@code ("out","","","")}). */
    public static DerivationOutput deferred() { return new DerivationOutput(Optional.empty(), "", ""); }

    /** A fixed output; {@code path} may be absent until computed. */
    public static DerivationOutput fixed(Optional<StorePath> path, FileIngestionMethod method, Hash hash) {
        return new DerivationOutput(path, method.prefix() + hash.algorithm().nixName(), hash.toBase16());
    }

    /** True for fixed outputs (a hash algorithm and a hash are given). */
    public boolean isFixed() { return !hashAlgo.isEmpty() && !hash.isEmpty(); }

    /** True for floating content-addressed outputs (algorithm but no hash): not supported by Nix 2.8 without an experimental feature. */
    public boolean isFloating() { return !hashAlgo.isEmpty() && hash.isEmpty(); }

    /** Ingestion method of a fixed output. */
    public FileIngestionMethod method() {
        return hashAlgo.startsWith("r:") ? FileIngestionMethod.RECURSIVE : FileIngestionMethod.FLAT;
    }

    /** Algorithm of a fixed output. */
    public HashAlgorithm algorithm() {
        return HashAlgorithm.parse(hashAlgo.startsWith("r:") ? hashAlgo.substring(2) : hashAlgo);
    }

    /** The expected content hash of a fixed output. */
    public Hash fixedHash() {
        if (!isFixed()) throw new IllegalStateException("not a fixed output");
        return Hash.parse(hash, algorithm());
    }

    /** This output with {@code p} as its path. */
    public DerivationOutput withPath(StorePath p) { return new DerivationOutput(Optional.of(p), hashAlgo, hash); }

    /** This output with its path removed. */
    public DerivationOutput withoutPath() { return new DerivationOutput(Optional.empty(), hashAlgo, hash); }
}
