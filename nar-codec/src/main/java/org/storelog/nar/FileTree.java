package org.storelog.nar;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What {@link NarWriter} archives: a file tree read with {@code lstat}, directory entries sorted
 * bytewise by name as Nix's {@code dump} in {@code src/libutil/archive.cc} sorts them. Regular
 * files are also collected in NAR order so their contents can be read ahead.
 *
 * <p>With {@link NativeFs} and {@code deferStat}, an entry that {@code readdir} reports as a
 * regular file is not stat'ed by the walk: its size and mode are left unknown for the
 * read-ahead threads, which take them from {@code fstat} of the descriptor they read it from
 * (so the walk is one {@code getdents} per directory, and the per-file calls run in parallel).
 */
final class FileTree {
    sealed interface Node permits Regular, Symlink, Directory {}

    /**
     * A regular file. {@code cpath} is its path as a NUL-terminated C string when the native
     * walk found it, else null; then its {@link Path} is made only when asked for (in errors).
     */
    static final class Regular implements Node {
        private Path path;
        private final Path parent;
        private final byte[] name;
        private boolean executable;
        /** The size, or -1 until a read-ahead thread has stat'ed the file. */
        private long size;
        private final byte[] cpath;
        /** Set by a read-ahead thread that found the file too large for its batch. */
        private boolean deferred;
        /** Set by the writing thread when it gives the file to a read-ahead batch. */
        private boolean readAhead;

        Regular(Path path, boolean executable, long size) {
            this(path, null, null, executable, size, null);
        }

        private Regular(Path path, Path parent, byte[] name, boolean executable, long size, byte[] cpath) {
            this.path = path;
            this.parent = parent;
            this.name = name;
            this.executable = executable;
            this.size = size;
            this.cpath = cpath;
        }

        Path path() {
            if (path == null) path = FsNames.child(parent, name);
            return path;
        }

        boolean executable() { return executable; }

        /** The size in bytes; -1 while not known (see {@link #known}). */
        long size() { return size; }

        /** Whether size and mode are known (always, once the file's read-ahead batch is done). */
        boolean known() { return size >= 0; }

        byte[] cpath() { return cpath; }

        /** Records what {@code fstat} said, in the read-ahead thread; read after joining its batch. */
        void stat(long size, boolean executable) {
            this.size = size;
            this.executable = executable;
        }

        /** True when the read-ahead thread left the contents for the writing thread to stream. */
        boolean deferred() { return deferred; }

        void defer() { deferred = true; }

        /** True when the file was given to a read-ahead batch (else the writing thread streams it). */
        boolean readAhead() { return readAhead; }

        void readAhead(boolean b) { readAhead = b; }
    }

    record Symlink(Path path, byte[] target) implements Node {}

    record Directory(Path path, List<Entry> entries) implements Node {}

    record Entry(byte[] name, Node node) {}

    final Node root;
    final List<Regular> regulars = new ArrayList<>();

    private final long[] size = new long[1];

    private final boolean deferStat;

    private FileTree(Path root, boolean deferStat) throws IOException {
        this.deferStat = deferStat;
        byte[] c = NativeFs.available() ? cString(root.toString()) : null;
        this.root = c != null ? nativeNode(root, c) : node(root);
    }

    /** The tree at {@code root}, with every size and mode known. */
    static FileTree scan(Path root) throws IOException {
        return new FileTree(root, false);
    }

    /**
     * The tree at {@code root}; when {@code deferStat}, regular files may have unknown sizes and
     * modes (see the class comment), which the reader of their contents must fill in.
     */
    static FileTree scan(Path root, boolean deferStat) throws IOException {
        return new FileTree(root, deferStat);
    }

    /** The bytes of an ASCII path with a NUL after them, or null for any other path. */
    private static byte[] cString(String s) {
        byte[] b = new byte[s.length() + 1];
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == 0 || ch >= 0x80) return null;
            b[i] = (byte) ch;
        }
        return b;
    }

    /**
     * {@link #node} with {@link NativeFs}: one {@code statx} per entry, names as bytes from
     * {@code readdir}, and no JDK attribute objects. When a call fails the JDK does the same
     * step again and reports why.
     */
    private Node nativeNode(Path p, byte[] c) throws IOException {
        return nativeNode(p, null, null, c);
    }

    /** The node at {@code c}, whose path is {@code p}, or the entry {@code name} of directory {@code parent} when p is null. */
    private Node nativeNode(Path p, Path parent, byte[] name, byte[] c) throws IOException {
        int mode = NativeFs.lstat(c, size);
        if (mode >= 0 && (mode & NativeFs.S_IFMT) == NativeFs.S_IFREG) {
            Regular r = new Regular(p, parent, name, (mode & 0100) != 0, size[0], c);
            regulars.add(r);
            return r;
        }
        if (p == null) p = FsNames.child(parent, name);
        if (mode < 0 || (mode & NativeFs.S_IFMT) != NativeFs.S_IFDIR) return node(p);
        return nativeDirectory(p, c);
    }

    /** Directory {@code p} (C path {@code c}), listed with {@code readdir}. */
    private Node nativeDirectory(Path p, byte[] c) throws IOException {
        List<NativeFs.DirEntry> listed = NativeFs.entries(c);
        if (listed == null) return node(p);
        listed.sort((x, y) -> Arrays.compareUnsigned(x.name(), y.name()));
        List<Entry> entries = new ArrayList<>(listed.size());
        int dirLen = c.length - 1;
        for (NativeFs.DirEntry e : listed) {
            byte[] n = e.name();
            byte[] child = Arrays.copyOf(c, dirLen + 1 + n.length + 1);
            child[dirLen] = '/';
            System.arraycopy(n, 0, child, dirLen + 1, n.length);
            Node node;
            if (deferStat && e.type() == NativeFs.DT_REG) {
                Regular r = new Regular(null, p, n, false, -1, child);
                regulars.add(r);
                node = r;
            } else if (e.type() == NativeFs.DT_DIR) {
                node = nativeDirectory(FsNames.child(p, n), child);
            } else {
                node = nativeNode(null, p, n, child);
            }
            entries.add(new Entry(n, node));
        }
        return new Directory(p, entries);
    }

    private Node node(Path p) throws IOException {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
            byte[] target = FsNames.linkTarget(p);
            if (target.length > NarWire.MAX_TARGET) throw new NarTreeException("symlink target too long", p);
            return new Symlink(p, target);
        }
        if (a.isRegularFile()) {
            Regular r = new Regular(p, a.permissions().contains(PosixFilePermission.OWNER_EXECUTE), a.size());
            regulars.add(r);
            return r;
        }
        if (a.isDirectory()) {
            List<Entry> pending = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path c : ds) pending.add(new Entry(FsNames.nameBytes(c), new Regular(c, false, 0)));
            }
            pending.sort((x, y) -> Arrays.compareUnsigned(x.name(), y.name()));
            List<Entry> entries = new ArrayList<>(pending.size());
            for (Entry e : pending) entries.add(new Entry(e.name(), node(((Regular) e.node()).path())));
            return new Directory(p, entries);
        }
        throw new NarTreeException("is a special file (device, socket or FIFO); a NAR can hold only regular files,"
                + " directories and symlinks", p);
    }
}
