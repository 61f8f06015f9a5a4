package org.storelog.nar;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Serialises a file tree as a NAR, streaming; mirrors {@code dump} in Nix's
 * {@code src/libutil/archive.cc}. Directory entries are sorted bytewise by name, only the owner's
 * executable bit is kept, symlinks are stored (never followed), and devices, sockets and FIFOs
 * are refused with a {@link NarTreeException}. The tree is walked, and file contents are read
 * ahead, in parallel while the calling thread writes the NAR in order.
 */
public final class NarWriter {
    private final OutputStream out;
    private final FileTree tree;
    private final byte[] u64 = new byte[8];

    private NarWriter(OutputStream out, FileTree tree) {
        this.out = out;
        this.tree = tree;
    }

    /** Writes the NAR serialisation of {@code root} to {@code out} (not closed, flushed). */
    public static void dump(Path root, OutputStream out) throws IOException {
        dump(root, out, true);
    }

    /** As {@link #dump(Path, OutputStream)}; without {@code nativeFs}, files are listed and read through java.nio only. */
    static void dump(Path root, OutputStream out, boolean nativeFs) throws IOException {
        FileTree tree = FileTree.start(root, ContentReader.statsInBatches(), nativeFs);
        try (ContentReader contents = new ContentReader(tree)) {
            if (nativeFs && tree.root instanceof FileTree.Directory) {
                // While the walk lists the first directory: link the read-ahead's calls, and the digest's.
                ContentReader.warmUp();
                if (out instanceof NarDigestSink sink) sink.link();
            }
            out.write(NarWire.MAGIC_BYTES);
            new NarWriter(out, tree).node(tree.root, contents);
        } finally {
            tree.cancel();
        }
        out.flush();
    }

    private void node(FileTree.Node n, ContentReader contents) throws IOException {
        switch (n) {
            case FileTree.Regular r -> {
                contents.prepare(r);
                out.write(r.executable() ? NarWire.EXECUTABLE_HEAD : NarWire.REGULAR_HEAD);
                u64(r.size());
                contents.next(r, out);
                out.write(NarWire.ZEROS, 0, NarWire.padding(r.size()));
                out.write(NarWire.CLOSE_TOKEN);
            }
            case FileTree.Symlink s -> {
                out.write(NarWire.SYMLINK_HEAD);
                string(s.target());
                out.write(NarWire.CLOSE_TOKEN);
            }
            case FileTree.Directory d -> {
                out.write(NarWire.DIRECTORY_HEAD);
                for (FileTree.Entry e : tree.entries(d)) {
                    out.write(NarWire.ENTRY_HEAD);
                    string(e.name());
                    out.write(NarWire.NODE_TOKEN);
                    node(e.node(), contents);
                    out.write(NarWire.CLOSE_TOKEN);
                }
                out.write(NarWire.CLOSE_TOKEN);
            }
        }
    }

    private void u64(long v) throws IOException {
        NarWire.putU64(u64, 0, v);
        out.write(u64);
    }

    private void string(byte[] s) throws IOException {
        u64(s.length);
        out.write(s);
        out.write(NarWire.ZEROS, 0, NarWire.padding(s.length));
    }
}
