package org.storelog.nar;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.storelog.domain.hash.HashAlgorithm;

/**
 * Hashing through OpenSSL's libcrypto (the library Nix links for {@code src/libutil/hash.cc}),
 * called with the foreign function API; this is the Java 22+ version of the class in the
 * multi-release jar. It uses the one-shot-context functions {@code SHA256_Init/Update/Final}
 * (and the MD5, SHA1 and SHA512 twins), which libcrypto 1.1 and 3 both export, so small updates
 * cost no provider look-up. Updates from heap arrays are passed without a copy (critical
 * downcalls that may read the Java heap); direct buffers are passed as they are.
 *
 * <p>SHA-256, the hash of every NAR and of {@code audit hash} by default, links
 * {@code SHA256_Update} only, with the call shape {@link MappedRead} links libc's
 * {@code syscall} with ({@link LibCryptoSha256}): each downcall shape costs start-up time.
 *
 * <p>Not used, so hashing falls back to the JDK, when {@code -Dstorelog.nar.libcrypto=false},
 * when native access is not enabled for this code ({@code --enable-native-access}, which the
 * launcher passes; without it the JVM would print a warning), or when no libcrypto is found.
 */
final class LibCrypto {
    private LibCrypto() {}

    /** Large enough for MD5_CTX, SHA_CTX, SHA256_CTX and SHA512_CTX (216 bytes). */
    private static final long CONTEXT_BYTES = 256;

    private record Functions(MethodHandle init, MethodHandle update, MethodHandle finish) {}

    private static SymbolLookup LIBRARY;
    private static final String PROBLEM;
    /** Per algorithm, its {@link Functions} once linked (an {@code Object[]}: the record is not loaded for SHA-256). */
    private static final Object[] FUNCTIONS = new Object[HashAlgorithm.values().length];

    static {
        String problem = null;
        try {
            problem = load();
        } catch (RuntimeException | LinkageError e) {
            problem = "cannot use libcrypto: " + e;
        }
        PROBLEM = problem;
    }

    private static String load() {
        if (!Boolean.parseBoolean(System.getProperty("storelog.nar.libcrypto", "true")))
            return "disabled by -Dstorelog.nar.libcrypto=false";
        if (!LibCrypto.class.getModule().isNativeAccessEnabled())
            return "native access is not enabled (--enable-native-access=ALL-UNNAMED)";
        SymbolLookup lib = null;
        for (String name : new String[] {"libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so", "libcrypto.3.dylib", "libcrypto.dylib"}) {
            try {
                lib = SymbolLookup.libraryLookup(name, Arena.global());
                break;
            } catch (IllegalArgumentException notFound) {
                // try the next name
            }
        }
        if (lib == null) return "libcrypto not found";
        if (lib.find("SHA256_Update").isEmpty()) return "libcrypto lacks SHA256_Update";
        LIBRARY = lib;
        return null;
    }

    /** Links the three functions of one algorithm, on first use (each downcall handle costs start-up time). */
    private static synchronized Functions functions(HashAlgorithm a) {
        Functions known = (Functions) FUNCTIONS[a.ordinal()];
        if (known != null) return known;
        String prefix = a.name(); // MD5, SHA1, SHA256, SHA512 (a switch would cost one more class)
        Optional<MemorySegment> i = LIBRARY.find(prefix + "_Init");
        Optional<MemorySegment> u = LIBRARY.find(prefix + "_Update");
        Optional<MemorySegment> f = LIBRARY.find(prefix + "_Final");
        if (i.isEmpty() || u.isEmpty() || f.isEmpty()) return null;
        Linker linker = Linker.nativeLinker();
        Functions fs = new Functions(
                linker.downcallHandle(i.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS)),
                updateHandle(u.get()),
                linker.downcallHandle(f.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS)));
        FUNCTIONS[a.ordinal()] = fs;
        return fs;
    }

    /** {@code X_Update(ctx, data, len)}: never blocks or calls back, and may read a heap array in place. */
    private static MethodHandle updateHandle(MemorySegment function) {
        return Linker.nativeLinker().downcallHandle(function, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), Linker.Option.critical(true));
    }

    private static MethodHandle sha256Update;

    /** {@code SHA256_Update} alone, of {@link LibCryptoSha256#SHAPE}, linked on first use. */
    private static synchronized MethodHandle sha256Update() {
        if (sha256Update == null) sha256Update = LibCryptoSha256.link(LIBRARY.find("SHA256_Update").orElseThrow());
        return sha256Update;
    }

    /** A libcrypto digester for {@code algorithm}, or null when libcrypto cannot be used. */
    static Digester digester(HashAlgorithm algorithm) {
        if (PROBLEM != null) return null;
        if (algorithm == HashAlgorithm.SHA256 && LibCryptoSha256.SUPPORTED) return new LibCryptoSha256(sha256Update());
        Functions f = functions(algorithm);
        return f == null ? null : new Native(f, algorithm.size());
    }

    /**
     * Loads libcrypto now: calling this initialises the class, whose static initialiser does it
     * (on a thread of its own while the caller links other calls; see {@link MappedRead}).
     */
    static void loadNow() {
        // nothing more to do
    }

    /** Why {@link #digester} returns null, or null when it does not. */
    static String unavailableReason() {
        return PROBLEM;
    }

    private static final class Native implements Digester {
        private final Functions f;
        private final int size;
        private final MemorySegment ctx;

        Native(Functions f, int size) {
            this.f = f;
            this.size = size;
            this.ctx = Arena.ofAuto().allocate(CONTEXT_BYTES, 16);
            check(call1(f.init(), ctx), "Init");
        }

        @Override public void update(byte[] b, int off, int len) {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) return;
            try {
                check((int) f.update().invokeExact(ctx, MemorySegment.ofArray(b).asSlice(off, len), (long) len), "Update");
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        @Override public void update(ByteBuffer bb) {
            int len = bb.remaining();
            if (len == 0) return;
            try {
                check((int) f.update().invokeExact(ctx, MemorySegment.ofBuffer(bb), (long) len), "Update");
            } catch (Throwable t) {
                throw rethrow(t);
            }
            bb.position(bb.limit());
        }

        @Override public byte[] finish() {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment out = a.allocate(size);
                check((int) f.finish().invokeExact(out, ctx), "Final");
                return out.toArray(ValueLayout.JAVA_BYTE);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        @Override public boolean isNative() {
            return true;
        }

        private static int call1(MethodHandle h, MemorySegment ctx) {
            try {
                return (int) h.invokeExact(ctx);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        private static void check(int ok, String what) {
            if (ok != 1) throw new IllegalStateException("libcrypto " + what + " failed");
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
