package org.storelog.projection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A {@link PackedGraph} saved next to the LMDB env, so readers after the first map it instead of
 * scanning the env. Like Kafka's segment indexes it is derived data without a checksum: it is
 * written to a temporary file and renamed into place, checked for its exact length and for node
 * numbers in range when read, and ignored (rebuilt) whenever its key differs from the env's.
 *
 * <pre>
 * file   = magic "SLGRAPH1" key n:i32 namesLen:i32 refs:i32 outs:i32 dangling:i32 pad:i32
 *          narSize:i64[n] nameStart:i32[n+1] refStart:i32[n+1] refs:i32[refs] deriver:i32[n]
 *          outStart:i32[n+1] outs:i32[outs] names:u8[namesLen]          (little-endian)
 * key    = lastApplied:i64 nextId:i64 infoEntries:i64 refsEntries:i64 outputsEntries:i64
 * </pre>
 */
final class GraphCache {
    private static final byte[] MAGIC = "SLGRAPH1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int HEADER = 8 + 40 + 24;

    /** What the cached graph was built from; any change in the env changes at least one of these. */
    record Key(long lastApplied, long nextId, long infoEntries, long refsEntries, long outputsEntries) {}

    private GraphCache() {}

    private static long length(int n, int namesLen, int m, int o) {
        return HEADER + 8L * n + 4L * (3L * (n + 1) + m + n + o) + namesLen;
    }

    /** The cached graph when {@code file} exists, is whole and has {@code key}; else null. */
    static PackedGraph read(Path file, Key key) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER) return null;
            MappedByteBuffer mb = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            ByteBuffer in = mb.order(ByteOrder.LITTLE_ENDIAN);
            byte[] magic = new byte[8];
            in.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) return null;
            Key k = new Key(in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong());
            if (!k.equals(key)) return null;
            int n = in.getInt(), namesLen = in.getInt(), m = in.getInt(), o = in.getInt(), dangling = in.getInt();
            in.getInt();
            if (n < 0 || namesLen < 0 || m < 0 || o < 0 || size != length(n, namesLen, m, o)) return null;
            long[] narSize = new long[n];
            in.asLongBuffer().get(narSize);
            in.position(in.position() + 8 * n);
            int[] nameStart = ints(in, n + 1), refStart = ints(in, n + 1), refs = ints(in, m), deriver = ints(in, n),
                    outStart = ints(in, n + 1), outs = ints(in, o);
            byte[] names = new byte[namesLen];
            in.get(names);
            if (!rows(refStart, refs, n) || !rows(outStart, outs, n) || !rows(nameStart, null, namesLen)) return null;
            for (int d : deriver) if (d < -1 || d >= n) return null;
            return new PackedGraph(key.lastApplied(), names, nameStart, narSize, refStart, refs, deriver, outStart, outs,
                    dangling);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            return null; // unreadable or malformed: scanned again and rewritten
        }
    }

    private static int[] ints(ByteBuffer in, int count) {
        int[] a = new int[count];
        in.asIntBuffer().get(a);
        in.position(in.position() + 4 * count);
        return a;
    }

    /** Rows start at 0, never go backwards, end at the edge count; targets are nodes. */
    private static boolean rows(int[] start, int[] edges, int limit) {
        int total = edges == null ? limit : edges.length;
        if (start[0] != 0 || start[start.length - 1] != total) return false;
        for (int i = 1; i < start.length; i++) if (start[i] < start[i - 1]) return false;
        if (edges != null) for (int e : edges) if (e < 0 || e >= limit) return false;
        return true;
    }

    /** Writes the cache (temporary file, then rename); a failure only means the next reader scans again. */
    static void write(Path file, Key key, PackedGraph g) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                Out out = new Out(ch);
                out.buf.put(MAGIC);
                out.buf.putLong(key.lastApplied()).putLong(key.nextId()).putLong(key.infoEntries())
                        .putLong(key.refsEntries()).putLong(key.outputsEntries());
                int n = g.size();
                out.buf.putInt(n).putInt(g.names.length).putInt(g.refs.length).putInt(g.outs.length)
                        .putInt(g.danglingEdges).putInt(0);
                for (long v : g.narSize) out.room(8).putLong(v);
                for (int[] a : new int[][] {g.nameStart, g.refStart, g.refs, g.deriver, g.outStart, g.outs})
                    for (int v : a) out.room(4).putInt(v);
                for (int off = 0; off < g.names.length; ) {
                    int len = Math.min(out.buf.capacity(), g.names.length - off);
                    out.room(len).put(g.names, off, len);
                    off += len;
                }
                out.flush();
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do: the cache is optional
            }
        }
    }

    /** A buffered channel writer. */
    private static final class Out {
        final FileChannel ch;
        final ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);

        Out(FileChannel ch) { this.ch = ch; }

        ByteBuffer room(int n) throws IOException {
            if (buf.remaining() < n) flush();
            return buf;
        }

        void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) ch.write(buf);
            buf.clear();
        }
    }
}
