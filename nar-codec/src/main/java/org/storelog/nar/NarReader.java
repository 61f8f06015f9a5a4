package org.storelog.nar;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Strict streaming NAR parser with a visitor; mirrors {@code parseDump} in Nix's
 * {@code src/libutil/archive.cc}, following the grammar in {@link NarWire}. It rejects, with a
 * {@link NarFormatException} naming the offset: truncated input, unknown tokens, names that are
 * empty, {@code .}, {@code ..}, contain {@code /} or NUL, or are too long, directory entries out
 * of bytewise order or repeated, lengths beyond the limits, non-zero padding, nesting deeper than
 * {@link #MAX_DEPTH}, and bytes after the end of the archive.
 */
public final class NarReader {
    /** Deepest directory nesting accepted. */
    public static final int MAX_DEPTH = 1024;

    /**
     * Receives the nodes of a NAR in order. {@code path} holds the entry names from the root to
     * the node (empty for the root); it is only valid during the call.
     */
    public interface Visitor {
        default void directory(List<byte[]> path) throws IOException {}

        default void directoryEnd(List<byte[]> path) throws IOException {}

        /**
         * A regular file; {@code contents} yields exactly {@code size} bytes starting at NAR offset
         * {@code contentsOffset}. What the visitor does not read is skipped.
         */
        default void regular(List<byte[]> path, boolean executable, long size, long contentsOffset,
                             InputStream contents) throws IOException {}

        default void symlink(List<byte[]> path, byte[] target) throws IOException {}
    }

    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;
    /** NAR offset of buf[0]. */
    private long base;
    private final List<byte[]> path = new ArrayList<>();
    private final List<byte[]> pathView = Collections.unmodifiableList(path);
    private final Visitor visitor;

    private NarReader(InputStream in, Visitor visitor) {
        this.in = in;
        this.visitor = visitor;
    }

    /** Parses one whole NAR from {@code in}, which must end right after it. */
    public static void read(InputStream in, Visitor visitor) throws IOException {
        NarReader r = new NarReader(in, visitor);
        r.expect(NarWire.MAGIC, "magic 'nix-archive-1'");
        r.node(0);
        if (r.pos < r.lim || r.refill()) throw new NarFormatException("trailing bytes after the end of the archive", r.offset());
    }

    /** Checks that {@code in} holds one valid NAR; returns its size. */
    public static long validate(InputStream in) throws IOException {
        NarReader r = new NarReader(in, new Visitor() {});
        r.expect(NarWire.MAGIC, "magic 'nix-archive-1'");
        r.node(0);
        if (r.pos < r.lim || r.refill()) throw new NarFormatException("trailing bytes after the end of the archive", r.offset());
        return r.offset();
    }

    private long offset() { return base + pos; }

    private void node(int depth) throws IOException {
        if (depth > MAX_DEPTH) throw new NarFormatException("directories nested deeper than " + MAX_DEPTH, offset());
        expect(NarWire.OPEN, "'('");
        expect(NarWire.TYPE, "'type'");
        long at = offset();
        String type = token();
        switch (type) {
            case NarWire.REGULAR -> regular();
            case NarWire.SYMLINK -> {
                expect(NarWire.TARGET, "'target'");
                byte[] target = string(NarWire.MAX_TARGET, "symlink target");
                visitor.symlink(pathView, target);
                expect(NarWire.CLOSE, "')'");
            }
            case NarWire.DIRECTORY -> directory(depth);
            default -> throw new NarFormatException("unknown file type '" + type + "'", at);
        }
    }

    private void regular() throws IOException {
        long at = offset();
        String t = token();
        boolean executable = false;
        if (t.equals(NarWire.EXECUTABLE)) {
            executable = true;
            expect("", "empty string after 'executable'");
            at = offset();
            t = token();
        }
        if (!t.equals(NarWire.CONTENTS)) throw new NarFormatException("expected 'contents', found '" + t + "'", at);
        long sizeAt = offset();
        long size = u64();
        if (size < 0) throw new NarFormatException("file size " + Long.toUnsignedString(size) + " is absurd", sizeAt);
        long contentsOffset = offset();
        Contents c = new Contents(size);
        visitor.regular(pathView, executable, size, contentsOffset, c);
        c.skipRest();
        padding(size);
        expect(NarWire.CLOSE, "')'");
    }

    private void directory(int depth) throws IOException {
        visitor.directory(pathView);
        byte[] prev = null;
        while (true) {
            long at = offset();
            String t = token();
            if (t.equals(NarWire.CLOSE)) break;
            if (!t.equals(NarWire.ENTRY)) throw new NarFormatException("expected 'entry' or ')', found '" + t + "'", at);
            expect(NarWire.OPEN, "'('");
            expect(NarWire.NAME, "'name'");
            long nameAt = offset();
            byte[] name = string(NarWire.MAX_NAME, "file name");
            String problem = NarWire.nameProblem(name);
            if (problem != null) throw new NarFormatException("invalid " + problem, nameAt);
            if (prev != null) {
                int cmp = Arrays.compareUnsigned(prev, name);
                if (cmp == 0) throw new NarFormatException("duplicate directory entry '" + show(name) + "'", nameAt);
                if (cmp > 0) throw new NarFormatException("directory entries not sorted: '" + show(name)
                        + "' after '" + show(prev) + "'", nameAt);
            }
            prev = name;
            expect(NarWire.NODE, "'node'");
            path.add(name);
            node(depth + 1);
            path.remove(path.size() - 1);
            expect(NarWire.CLOSE, "')'");
        }
        visitor.directoryEnd(pathView);
    }

    private static String show(byte[] name) {
        return new String(name, StandardCharsets.UTF_8);
    }

    // ---- framing ----

    private String token() throws IOException {
        return new String(string(NarWire.MAX_TOKEN, "token"), StandardCharsets.ISO_8859_1);
    }

    private void expect(String token, String what) throws IOException {
        long at = offset();
        String t = token();
        if (!t.equals(token)) throw new NarFormatException("expected " + what + ", found '" + t + "'", at);
    }

    private byte[] string(int max, String what) throws IOException {
        long at = offset();
        long len = u64();
        if (len < 0 || len > max)
            throw new NarFormatException(what + " length " + Long.toUnsignedString(len) + " exceeds the limit of " + max, at);
        byte[] s = new byte[(int) len];
        readFully(s, 0, s.length);
        padding(len);
        return s;
    }

    private void padding(long len) throws IOException {
        int n = NarWire.padding(len);
        if (n == 0) return;
        long at = offset();
        byte[] p = new byte[n];
        readFully(p, 0, n);
        for (int i = 0; i < n; i++)
            if (p[i] != 0) throw new NarFormatException("non-zero padding byte", at + i);
    }

    private long u64() throws IOException {
        byte[] b = new byte[8];
        readFully(b, 0, 8);
        return NarWire.getU64(b, 0);
    }

    private boolean refill() throws IOException {
        base += lim;
        pos = 0;
        lim = 0;
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) return false;
        lim = n;
        return true;
    }

    private void readFully(byte[] dst, int off, int len) throws IOException {
        while (len > 0) {
            int n = readSome(dst, off, len);
            off += n;
            len -= n;
        }
    }

    /** Reads between 1 and len bytes; throws at end of input. */
    private int readSome(byte[] dst, int off, int len) throws IOException {
        if (pos == lim) {
            if (len >= buf.length) {
                int n = in.read(dst, off, len);
                if (n <= 0) throw truncated();
                base += lim;
                lim = 0;
                pos = 0;
                base += n;
                return n;
            }
            if (!refill()) throw truncated();
        }
        int n = Math.min(len, lim - pos);
        System.arraycopy(buf, pos, dst, off, n);
        pos += n;
        return n;
    }

    private NarFormatException truncated() {
        return new NarFormatException("truncated archive: input ends inside it", offset());
    }

    /** The contents of one regular file, bounded to its size. */
    private final class Contents extends InputStream {
        private long remaining;

        Contents(long size) { remaining = size; }

        @Override public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (remaining == 0) return -1;
            int n = readSome(b, off, (int) Math.min(len, remaining));
            remaining -= n;
            return n;
        }

        @Override public int available() { return (int) Math.min(Integer.MAX_VALUE, Math.min(remaining, lim - pos)); }

        void skipRest() throws IOException {
            byte[] scratch = remaining > 0 ? new byte[(int) Math.min(remaining, 1 << 16)] : null;
            while (remaining > 0) read(scratch, 0, (int) Math.min(scratch.length, remaining));
        }
    }
}
