package org.storelog.nar;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import org.storelog.domain.hash.HashAlgorithm;

/**
 * One running hash computation. {@link #of} picks OpenSSL's libcrypto (the library Nix itself
 * hashes with, see {@code src/libutil/hash.cc}) when {@link LibCrypto} can reach it, else the
 * JDK's {@link MessageDigest}; both give the same bytes.
 */
interface Digester {
    void update(byte[] b, int off, int len);

    /** Hashes the remaining bytes of {@code bb} (a direct buffer, read by the caller) and consumes them. */
    void update(ByteBuffer bb);

    /** The digest; call once. */
    byte[] finish();

    /** True when the bytes are hashed by native code that reads direct buffers without a copy. */
    boolean isNative();

    static Digester of(HashAlgorithm algorithm) {
        Digester d = LibCrypto.digester(algorithm);
        return d != null ? d : new Jdk(algorithm.newDigest());
    }

    /** The JDK's implementation (SHA-NI intrinsic once C2 has compiled the compression loop). */
    final class Jdk implements Digester {
        private final MessageDigest md;
        private byte[] copy;

        Jdk(MessageDigest md) {
            this.md = md;
        }

        @Override public void update(byte[] b, int off, int len) {
            md.update(b, off, len);
        }

        @Override public void update(ByteBuffer bb) {
            if (bb.hasArray()) {
                md.update(bb);
                return;
            }
            // MessageDigest.update(ByteBuffer) copies a direct buffer 4 KiB at a time; one copy is cheaper.
            if (copy == null || copy.length < bb.remaining()) copy = new byte[bb.remaining()];
            int n = bb.remaining();
            bb.get(copy, 0, n);
            md.update(copy, 0, n);
        }

        @Override public byte[] finish() {
            return md.digest();
        }

        @Override public boolean isNative() {
            return false;
        }
    }
}
