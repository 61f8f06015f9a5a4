package org.storelog.nar;

import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Set;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.hash.HashAlgorithm;

/**
 * An output stream that hashes, counts and scans for references everything written to it; put it
 * behind {@link NarWriter#dump} (alone or beside another stream) to get a {@link NarDigest}.
 * Nix does the same with a {@code HashSink} and a {@code RefScanSink} fed by one dump.
 */
public final class NarDigestSink extends OutputStream {
    private final HashAlgorithm algorithm;
    private final MessageDigest digest;
    private final RefScanner scanner;
    private final OutputStream also;
    private long size;

    /** Hashes with {@code algorithm}; scans for {@code candidateHashParts}; copies to {@code also} if not null. */
    public NarDigestSink(HashAlgorithm algorithm, Set<String> candidateHashParts, OutputStream also) {
        this.algorithm = algorithm;
        this.digest = algorithm.newDigest();
        this.scanner = candidateHashParts.isEmpty() ? null : new RefScanner(candidateHashParts);
        this.also = also;
    }

    public NarDigestSink(Set<String> candidateHashParts) {
        this(HashAlgorithm.SHA256, candidateHashParts, null);
    }

    @Override public void write(int b) throws java.io.IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override public void write(byte[] b, int off, int len) throws java.io.IOException {
        digest.update(b, off, len);
        size += len;
        if (scanner != null) scanner.update(b, off, len);
        if (also != null) also.write(b, off, len);
    }

    @Override public void flush() throws java.io.IOException {
        if (also != null) also.flush();
    }

    /** Finishes the digest; call once, after the last write. */
    public NarDigest result() {
        return new NarDigest(new Hash(algorithm, digest.digest()), size,
                scanner == null ? Set.of() : scanner.found());
    }
}
