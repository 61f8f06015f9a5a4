package org.storelog.nar;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
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
 * digest. The base version has a placeholder file of this name: the JDK's AOT cache keeps a
 * class of the versioned directory only when the jar also has a file for it at the base location.
 *
 * <p>Updates of up to {@link #SCRATCH} bytes from heap arrays (the NAR framing, the final padding)
 * are copied into a native buffer beside the context rather than passed in place: hashing one
 * large file then never makes a heap segment, whose classes take ~10 ms to initialise.
 */
final class LibCryptoSha256 implements Digester {
    /** The layout above holds where libcrypto's SHA_LONG is a 32-bit int (all it builds for). */
    static final boolean SUPPORTED = ValueLayout.JAVA_INT.byteSize() == 4;
    private static final long MD_LEN = 108;
    private static final long CTX_BYTES = 256;
    static final int SCRATCH = 4096;

    /**
     * The one call shape shared by {@code SHA256_Update} and, for {@link MappedRead}, libc's
     * {@code syscall}: {@code long f(void*, void*, long, long, long, long, long)}, critical (it
     * may read a heap array in place; neither blocks for long). The linker generates the code
     * of a downcall once per shape, which costs 20-60 ms of start-up on this machine; a function
     * with fewer parameters ignores the extra registers, and an {@code int} result is the low
     * half of the {@code long}. On x86-64 (where {@code MappedRead} is used) glibc's
     * {@code syscall} takes its arguments in registers like a fixed-argument function.
     */
    static final FunctionDescriptor SHAPE = FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);

    /** A downcall handle of {@link #SHAPE} for {@code function}. */
    static MethodHandle link(MemorySegment function) {
        return Linker.nativeLinker().downcallHandle(function, SHAPE, Linker.Option.critical(true));
    }
    private static final int[] H0 = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
            0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

    private final MethodHandle update;
    private final MemorySegment ctx;
    private final MemorySegment scratch;
    private long length;

    LibCryptoSha256(MethodHandle update) {
        this.update = update;
        // Zeroed: Nl, Nh, data and num start at 0. Bulk copies, not per-word accessors (whose
        // var handles take a while to set up at start-up).
        MemorySegment mem = Arena.ofAuto().allocate(CTX_BYTES + SCRATCH, 16);
        this.ctx = mem.asSlice(0, CTX_BYTES);
        this.scratch = mem.asSlice(CTX_BYTES, SCRATCH);
        MemorySegment.copy(H0, 0, ctx, ValueLayout.JAVA_INT, 0, 8);
        MemorySegment.copy(new int[] {32}, 0, ctx, ValueLayout.JAVA_INT, MD_LEN, 1);
    }

    @Override public void update(byte[] b, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) return;
        if (len <= SCRATCH) {
            MemorySegment.copy(b, off, scratch, ValueLayout.JAVA_BYTE, 0, len);
            call(scratch, len);
        } else {
            call(MemorySegment.ofArray(b).asSlice(off, len), len);
        }
    }

    @Override public void update(ByteBuffer bb) {
        int len = bb.remaining();
        if (len == 0) return;
        call(MemorySegment.ofBuffer(bb), len);
        bb.position(bb.limit());
    }

    private void call(MemorySegment data, long len) {
        try {
            // SHA256_Update(ctx, data, len) through the shared seven-argument shape.
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
