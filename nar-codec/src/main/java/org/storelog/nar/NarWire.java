package org.storelog.nar;

import java.nio.charset.StandardCharsets;

/**
 * Tokens and framing of the NAR format ({@code nix-archive-1}), shared by {@link NarReader} and
 * {@link NarWriter}. Mirrors the serialisation in Nix's {@code src/libutil/archive.cc}
 * ({@code dump} / {@code parseDump}); the layout of this class follows Snix's
 * {@code nix-compat/src/nar/wire}.
 *
 * <p>Every string on the wire is a little-endian u64 length, the bytes, then zero bytes up to the
 * next multiple of 8. The grammar, with {@code str(x)} such a string:
 *
 * <pre>
 * nar       = str("nix-archive-1") node
 * node      = str("(") str("type") body str(")")
 * body      = str("regular") [ str("executable") str("") ] str("contents") contents
 *           | str("symlink") str("target") str(target)
 *           | str("directory") entry*
 * contents  = u64le(n) n bytes, zero padding to 8
 * entry     = str("entry") str("(") str("name") str(name) str("node") node str(")")
 * </pre>
 *
 * Directory entries appear in strictly increasing bytewise order of their names; names are
 * non-empty, not {@code .} or {@code ..}, and contain neither {@code /} nor NUL. Only the
 * executable bit of a regular file is recorded.
 */
public final class NarWire {
    private NarWire() {}

    public static final String MAGIC = "nix-archive-1";
    public static final String OPEN = "(";
    public static final String CLOSE = ")";
    public static final String TYPE = "type";
    public static final String REGULAR = "regular";
    public static final String EXECUTABLE = "executable";
    public static final String CONTENTS = "contents";
    public static final String SYMLINK = "symlink";
    public static final String TARGET = "target";
    public static final String DIRECTORY = "directory";
    public static final String ENTRY = "entry";
    public static final String NAME = "name";
    public static final String NODE = "node";

    /** Longest directory entry name accepted (Linux {@code NAME_MAX}). */
    public static final int MAX_NAME = 255;
    /** Longest symlink target accepted (Linux {@code PATH_MAX} minus the NUL). */
    public static final int MAX_TARGET = 4095;
    /** Longest token string the reader will look at. */
    public static final int MAX_TOKEN = 64;

    /** Pre-encoded sequences the writer emits verbatim. */
    static final byte[] MAGIC_BYTES = tokens(MAGIC);
    static final byte[] REGULAR_HEAD = tokens(OPEN, TYPE, REGULAR, CONTENTS);
    static final byte[] EXECUTABLE_HEAD = tokens(OPEN, TYPE, REGULAR, EXECUTABLE, "", CONTENTS);
    static final byte[] SYMLINK_HEAD = tokens(OPEN, TYPE, SYMLINK, TARGET);
    static final byte[] DIRECTORY_HEAD = tokens(OPEN, TYPE, DIRECTORY);
    static final byte[] ENTRY_HEAD = tokens(ENTRY, OPEN, NAME);
    static final byte[] NODE_TOKEN = tokens(NODE);
    static final byte[] CLOSE_TOKEN = tokens(CLOSE);
    static final byte[] ZEROS = new byte[8];

    /** Number of zero bytes that follow a field of {@code length} bytes. */
    public static int padding(long length) {
        return (int) (-length & 7);
    }

    /** Writes {@code v} as 8 little-endian bytes at {@code off}. */
    static void putU64(byte[] buf, int off, long v) {
        for (int i = 0; i < 8; i++) buf[off + i] = (byte) (v >>> (8 * i));
    }

    /** Reads 8 little-endian bytes at {@code off}. */
    static long getU64(byte[] buf, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (buf[off + i] & 0xff);
        return v;
    }

    /** The wire form of one string: length, bytes, padding. */
    static byte[] encode(byte[] s) {
        byte[] out = new byte[8 + s.length + padding(s.length)];
        putU64(out, 0, s.length);
        System.arraycopy(s, 0, out, 8, s.length);
        return out;
    }

    private static byte[] tokens(String... ts) {
        var out = new java.io.ByteArrayOutputStream();
        for (String t : ts) out.writeBytes(encode(t.getBytes(StandardCharsets.US_ASCII)));
        return out.toByteArray();
    }

    /** Why a directory entry name is invalid, or null when it is valid. */
    static String nameProblem(byte[] name) {
        if (name.length == 0) return "empty file name";
        if (name.length > MAX_NAME) return "file name longer than " + MAX_NAME + " bytes";
        if (name.length == 1 && name[0] == '.') return "file name '.'";
        if (name.length == 2 && name[0] == '.' && name[1] == '.') return "file name '..'";
        for (byte b : name) {
            if (b == '/') return "file name containing '/'";
            if (b == 0) return "file name containing NUL";
        }
        return null;
    }
}
