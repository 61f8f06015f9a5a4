package org.storelog.nar;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;

/**
 * SHA-256 through libcrypto's {@code SHA256_Update} alone (Java 22+ overlay only; see
 * {@link LibCrypto}). Each downcall handle costs start-up time (the JDK generates and compiles a
 * class per call shape), and {@code SHA256_Init} and {@code SHA256_Final} are simple enough to do
 * here on the public {@code SHA256_CTX} of {@code <openssl/sha.h>}: {@code h[8], Nl, Nh, data[16]}
 * (32-bit words, {@code h} in native byte order), then {@code num, md_len}. The initial state is
 * written into the context; the final padding (0x80, zeros, the length in bits: FIPS 180-4
 * section 5.1.1) is fed through {@code SHA256_Update}, after which the {@code h} words are the
 * digest. A top-level class rather than a nested one: the AOT cache keeps classes of the overlay
 * that the base version also has a file for at the same place, and skips nested ones.
 */
final class LibCryptoSha256 implements Digester {
    /** The layout above holds where libcrypto's SHA_LONG is a 32-bit int (all it builds for). */
    static final boolean SUPPORTED = ValueLayout.JAVA_INT.byteSize() == 4;
    private static final long MD_LEN = 108;
    private static final int[] H0 = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
            0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

    private final MethodHandle update;
    private final MemorySegment ctx;
    private long length;

    LibCryptoSha256(MethodHandle update) {
        this.update = update;
        // Zeroed: Nl, Nh, data and num start at 0. Bulk copies, not per-word accessors (whose
        // var handles take a while to set up at start-up).
        this.ctx = Arena.ofAuto().allocate(256, 16);
        MemorySegment.copy(H0, 0, ctx, ValueLayout.JAVA_INT, 0, 8);
        MemorySegment.copy(new int[] {32}, 0, ctx, ValueLayout.JAVA_INT, MD_LEN, 1);
    }

    @Override public void update(byte[] b, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) return;
        call(MemorySegment.ofArray(b).asSlice(off, len), len);
    }

    @Override public void update(ByteBuffer bb) {
        int len = bb.remaining();
        if (len == 0) return;
        call(MemorySegment.ofBuffer(bb), len);
        bb.position(bb.limit());
    }

    private void call(MemorySegment data, long len) {
        try {
            // SHA256_Update(ctx, data, len) through the shared seven-argument shape (LibCrypto.SHAPE7).
            if ((int) (long) update.invokeExact(ctx, data, len, 0L, 0L, 0L, 0L) != 1)
                throw new IllegalStateException("libcrypto SHA256_Update failed");
        } catch (Throwable t) {
            throw LibCrypto.rethrow(t);
        }
        length += len;
    }

    @Override public byte[] finish() {
        // 0x80, zeros up to 56 mod 64, then the length in bits as a big-endian 64-bit number.
        long bits = length << 3;
        int zeros = (int) ((55 - length) & 63);
        byte[] pad = new byte[1 + zeros + 8];
        pad[0] = (byte) 0x80;
        for (int i = 0; i < 8; i++) pad[pad.length - 1 - i] = (byte) (bits >>> (8 * i));
        update(pad, 0, pad.length);
        int[] h = new int[8];
        MemorySegment.copy(ctx, ValueLayout.JAVA_INT, 0, h, 0, 8);
        byte[] out = new byte[32];
        for (int i = 0; i < 8; i++) {
            out[4 * i] = (byte) (h[i] >>> 24);
            out[4 * i + 1] = (byte) (h[i] >>> 16);
            out[4 * i + 2] = (byte) (h[i] >>> 8);
            out[4 * i + 3] = (byte) h[i];
        }
        return out;
    }

    @Override public boolean isNative() {
        return true;
    }
}
