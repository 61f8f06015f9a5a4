package org.storelog.compress;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Zstandard streams for NARs, as Nix's {@code src/libutil/compression.cc} writes {@code .nar.zst}
 * files ({@code Compression: zstd} in a narinfo). Output is a standard zstd frame, readable by the
 * {@code zstd} command; input may be several concatenated frames, as the format allows.
 */
public final class Zstd {
    /** zstd's own default level, also what Nix uses when none is configured. */
    public static final int DEFAULT_LEVEL = 3;

    private Zstd() {}

    /** A stream that compresses into {@code out}; closing it finishes the frame and closes {@code out}. */
    public static OutputStream compressing(OutputStream out, int level) throws IOException {
        ZstdOutputStream z = new ZstdOutputStream(out, level);
        z.setChecksum(true);
        return z;
    }

    /** A stream of the decompressed bytes of {@code in}. A truncated frame fails with an IOException. */
    public static InputStream decompressing(InputStream in) throws IOException {
        ZstdInputStream z = new ZstdInputStream(in);
        z.setContinuous(false);
        return z;
    }

    /** Copies {@code in} to {@code out} compressed; leaves both open. Returns bytes read. */
    public static long compress(InputStream in, OutputStream out, int level) throws IOException {
        try (OutputStream z = compressing(new NonClosing(out), level)) {
            return in.transferTo(z);
        }
    }

    /** Copies {@code in} decompressed to {@code out}; leaves both open. Returns bytes written. */
    public static long decompress(InputStream in, OutputStream out) throws IOException {
        InputStream z = decompressing(in);
        return z.transferTo(out);
    }

    public static byte[] compress(byte[] data, int level) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            compress(new ByteArrayInputStream(data), out, level);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decompresses a whole buffer; throws {@link UncheckedIOException} on corrupt or truncated data. */
    public static byte[] decompress(byte[] data) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            decompress(new ByteArrayInputStream(data), out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps the caller's stream open when the zstd stream is closed. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) { super(out); }
        @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }
        @Override public void close() throws IOException { out.flush(); }
    }
}
