package org.storelog.nar;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Set;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.hash.HashAlgorithm;

/**
 * An output stream that hashes, counts and scans for references everything written to it; put it
 * behind {@link NarWriter#dump} (alone or beside another stream) to get a {@link NarDigest}.
 * Nix does the same with a {@code HashSink} and a {@code RefScanSink} fed by one dump.
 *
 * <p>Small writes (the NAR's framing) are gathered and hashed in one call with the contents that
 * follow them, which keeps the number of calls into the hash function low on trees of small files.
 */
public final class NarDigestSink extends OutputStream {
    /**
     * Writes up to this size (the NAR's framing, tiny files) are gathered; larger ones go to the
     * digest directly: one more call into the hash function costs less than copying 4 KiB.
     */
    static final int GATHER_LIMIT = 4 << 10;
    private static final int GATHER_BYTES = 256 << 10;

    private final HashAlgorithm algorithm;
    /** Made on first use: linking libcrypto takes a while, which the tree walk and the read-ahead can overlap. */
    private Digester digest;
    /** Hash with the JDK even where libcrypto is reachable (set before the first write). */
    private boolean jdkOnly;
    private final RefScanner scanner;
    private final OutputStream also;
    private final byte[] gathered = new byte[GATHER_BYTES];
    private int gatheredLen;
    private byte[] copy;
    private long size;

    /** Hashes with {@code algorithm}; scans for {@code candidateHashParts}; copies to {@code also} if not null. */
    public NarDigestSink(HashAlgorithm algorithm, Set<String> candidateHashParts, OutputStream also) {
        this.algorithm = algorithm;
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
        if (len <= GATHER_LIMIT) {
            if (gatheredLen + len > gathered.length) drain();
            System.arraycopy(b, off, gathered, gatheredLen, len);
            gatheredLen += len;
        } else {
            drain();
            digest().update(b, off, len);
        }
        size += len;
        if (scanner != null) scanner.update(b, off, len);
        if (also != null) also.write(b, off, len);
    }

    /**
     * True when {@link #write(ByteBuffer)} hashes a direct buffer in place, with nothing else
     * to feed: then large files are best read into direct buffers.
     */
    boolean takesDirectBuffers() {
        return scanner == null && also == null && digest().isNative();
    }

    /** True when nothing but the digest takes the bytes (no reference scan, no copy). */
    boolean hashesOnly() {
        return scanner == null && also == null;
    }

    /** Writes the remaining bytes of {@code bb} and consumes them. */
    void write(ByteBuffer bb) throws java.io.IOException {
        int len = bb.remaining();
        if (scanner != null || also != null || !digest().isNative()) {
            if (copy == null || copy.length < len) copy = new byte[len];
            bb.get(copy, 0, len);
            write(copy, 0, len);
            return;
        }
        drain();
        digest().update(bb);
        size += len;
    }

    /**
     * Hashes with the JDK's digest, never linking libcrypto: for small inputs in a process that
     * has not linked it yet, linking costs more than it saves. Call before the first write.
     */
    NarDigestSink jdkOnly() {
        jdkOnly = true;
        return this;
    }

    /** Makes the digest now rather than at the first write that needs it. */
    void link() {
        digest();
    }

    private Digester digest() {
        if (digest == null) digest = jdkOnly ? new Digester.Jdk(algorithm.newDigest()) : Digester.of(algorithm);
        return digest;
    }

    private void drain() {
        if (gatheredLen > 0) digest().update(gathered, 0, gatheredLen);
        gatheredLen = 0;
    }

    @Override public void flush() throws java.io.IOException {
        if (also != null) also.flush();
    }

    /** Finishes the digest; call once, after the last write. */
    public NarDigest result() {
        drain();
        return new NarDigest(new Hash(algorithm, digest().finish()), size,
                scanner == null ? Set.of() : scanner.found());
    }
}
