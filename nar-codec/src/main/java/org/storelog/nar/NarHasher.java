package org.storelog.nar;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Set;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.hash.HashAlgorithm;

/**
 * NAR hash, NAR size and references of a file tree in one pass, as Nix computes them when it
 * adds or registers a path ({@code hashPath} in {@code src/libutil/hash.cc} with
 * {@code scanForReferences} in {@code src/libstore/references.cc}). Also the flat hash of a file,
 * as {@code nix-hash --flat} prints it.
 */
public final class NarHasher {
    private NarHasher() {}

    /** SHA-256 of the NAR of {@code root}, its size, and which candidate hash parts it contains. */
    public static NarDigest hashTree(Path root, Set<String> candidateHashParts) throws IOException {
        NarDigestSink sink = new NarDigestSink(candidateHashParts);
        NarWriter.dump(root, sink);
        return sink.result();
    }

    /**
     * Trees whose regular files hold at most this many bytes in all are hashed by the JDK and read
     * through java.nio by {@link #hashTree(Path, Set, long)}: linking libcrypto and libc through FFM
     * costs 0.1–0.2 s of CPU at its first use in a process, more than hashing such a tree without
     * them (the JDK's SHA-256 runs at ~70 MB/s compiled by C1 alone, as short commands run).
     */
    public static final long SMALL_TREE = 1 << 20;

    /**
     * As {@link #hashTree(Path, Set)}, for a caller that knows the total size of the regular files
     * under {@code root} ({@code knownBytes}, -1 if unknown): a tree of at most {@link #SMALL_TREE}
     * bytes is hashed without native code; the result is the same.
     */
    public static NarDigest hashTree(Path root, Set<String> candidateHashParts, long knownBytes) throws IOException {
        if (knownBytes < 0 || knownBytes > SMALL_TREE) return hashTree(root, candidateHashParts);
        var attrs = java.nio.file.Files.readAttributes(root, java.nio.file.attribute.PosixFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (attrs.isRegularFile() && attrs.size() <= SMALL_TREE) {
            // one small file (an output, a .drv): read whole, framed in memory; no walk, no read-ahead
            byte[] contents = java.nio.file.Files.readAllBytes(root);
            return hashRegularFile(contents, attrs.permissions().contains(java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE),
                    candidateHashParts);
        }
        NarDigestSink sink = new NarDigestSink(candidateHashParts).jdkOnly();
        NarWriter.dump(root, sink, false);
        return sink.result();
    }

    /**
     * SHA-256, size and references of the NAR of one regular file holding {@code contents}
     * (executable or not), as {@link #hashTree(Path, Set)} gives for such a file: the NAR's
     * framing around the bytes, hashed by the JDK, for bytes already in memory (a {@code .drv}
     * just written) or small files.
     */
    public static NarDigest hashRegularFile(byte[] contents, boolean executable, Set<String> candidateHashParts) {
        NarDigestSink sink = new NarDigestSink(candidateHashParts).jdkOnly();
        byte[] length = new byte[8];
        NarWire.putU64(length, 0, contents.length);
        try {
            sink.write(NarWire.MAGIC_BYTES);
            sink.write(executable ? NarWire.EXECUTABLE_HEAD : NarWire.REGULAR_HEAD);
            sink.write(length);
            sink.write(contents);
            sink.write(NarWire.ZEROS, 0, NarWire.padding(contents.length));
            sink.write(NarWire.CLOSE_TOKEN);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a digest sink with nothing behind it does no I/O
        }
        return sink.result();
    }

    /** Hash of the NAR of {@code root} with any algorithm ({@code nix-hash -r}). */
    public static Hash hashTree(Path root, HashAlgorithm algorithm) throws IOException {
        NarDigestSink sink = new NarDigestSink(algorithm, Set.of(), null);
        NarWriter.dump(root, sink);
        return sink.result().narHash();
    }

    /** Writes the NAR of {@code root} to {@code out} and returns its digest, in one pass. */
    public static NarDigest dumpAndHash(Path root, OutputStream out, Set<String> candidateHashParts) throws IOException {
        NarDigestSink sink = new NarDigestSink(HashAlgorithm.SHA256, candidateHashParts, out);
        NarWriter.dump(root, sink);
        return sink.result();
    }

    /** Hash of the contents of file {@code file}, following symlinks ({@code nix-hash --flat}). */
    public static Hash hashFile(Path file, HashAlgorithm algorithm) throws IOException {
        NarDigestSink sink = new NarDigestSink(algorithm, Set.of(), null);
        ContentReader.streamAll(file, sink);
        return sink.result().narHash();
    }
}
