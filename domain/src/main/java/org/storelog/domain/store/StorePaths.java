package org.storelog.domain.store;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.TreeSet;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.hash.HashAlgorithm;

/**
 * Store path computation, as Nix's {@code Store::makeStorePath} family in
 * {@code src/libstore/store-api.cc}.
 *
 * <p>The fingerprint is {@code type ":" algo ":" base16 ":" storeDir ":" name}; the path's hash
 * part is the nix32 form of its SHA-256 folded to 20 bytes. Types: {@code text[:ref…]},
 * {@code source[:ref…][:self]}, {@code output:ID}. References are printed absolute and in
 * store path order.
 */
public final class StorePaths {
    private StorePaths() {}

    /** {@code makeStorePath(type, hash, name)}. */
    public static StorePath makeStorePath(StoreDir dir, String type, Hash hash, String name) {
        StorePath.requireName(name);
        String fp = type + ":" + hash.toPrefixedBase16() + ":" + dir.path() + ":" + name;
        byte[] compressed = Hash.sha256(fp.getBytes(StandardCharsets.UTF_8)).compress(StorePath.HASH_BYTES);
        return StorePath.of(compressed, name);
    }

    /** Output path of output {@code outputName} of an input-addressed derivation whose modulo hash is {@code hash}. */
    public static StorePath makeOutputPath(StoreDir dir, String outputName, Hash hash, String drvName) {
        return makeStorePath(dir, "output:" + outputName, hash, outputPathName(drvName, outputName));
    }

    /** {@code drvName} for {@code out}, {@code drvName-output} otherwise. */
    public static String outputPathName(String drvName, String outputName) {
        return outputName.equals("out") ? drvName : drvName + "-" + outputName;
    }

    /** Path of a text file (e.g. a {@code .drv}) with SHA-256 {@code hash} and {@code references}. */
    public static StorePath makeTextPath(StoreDir dir, String name, Hash hash, Collection<StorePath> references) {
        if (hash.algorithm() != HashAlgorithm.SHA256)
            throw new IllegalArgumentException("text paths need a sha256 hash, got " + hash.algorithm());
        return makeStorePath(dir, makeType(dir, "text", references, false), hash, name);
    }

    /** Path of text {@code contents} (hashed as UTF-8) with {@code references}: Nix's {@code computeStorePathForText}. */
    public static StorePath computeTextPath(StoreDir dir, String name, String contents, Collection<StorePath> references) {
        return makeTextPath(dir, name, Hash.sha256(contents.getBytes(StandardCharsets.UTF_8)), references);
    }

    /**
     * Fixed-output / content-addressed path. Recursive SHA-256 gives a {@code source} path (which
     * may have references); anything else goes through {@code sha256("fixed:out:" [r:] algo:hex ":")}
     * and may not have references.
     */
    public static StorePath makeFixedOutputPath(StoreDir dir, FileIngestionMethod method, Hash hash, String name,
                                                Collection<StorePath> references, boolean selfReference) {
        if (method == FileIngestionMethod.RECURSIVE && hash.algorithm() == HashAlgorithm.SHA256)
            return makeStorePath(dir, makeType(dir, "source", references, selfReference), hash, name);
        if (!references.isEmpty() || selfReference)
            throw new IllegalArgumentException("a fixed-output path that is not recursive sha256 cannot have references");
        String inner = "fixed:out:" + method.prefix() + hash.toPrefixedBase16() + ":";
        return makeStorePath(dir, "output:out", Hash.sha256(inner.getBytes(StandardCharsets.UTF_8)), name);
    }

    /** Fixed-output path without references. */
    public static StorePath makeFixedOutputPath(StoreDir dir, FileIngestionMethod method, Hash hash, String name) {
        return makeFixedOutputPath(dir, method, hash, name, java.util.List.of(), false);
    }

    private static String makeType(StoreDir dir, String type, Collection<StorePath> references, boolean self) {
        StringBuilder sb = new StringBuilder(type);
        for (StorePath p : new TreeSet<>(references)) sb.append(':').append(p.absolute(dir));
        if (self) sb.append(":self");
        return sb.toString();
    }
}
