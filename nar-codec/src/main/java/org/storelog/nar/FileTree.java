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
        private final boolean executable;
        private final long size;
        private final byte[] cpath;

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

        long size() { return size; }

        byte[] cpath() { return cpath; }
    }

    record Symlink(Path path, byte[] target) implements Node {}

    record Directory(Path path, List<Entry> entries) implements Node {}

    record Entry(byte[] name, Node node) {}

    final Node root;
    final List<Regular> regulars = new ArrayList<>();

    private final long[] size = new long[1];

    private FileTree(Path root) throws IOException {
        byte[] c = NativeFs.available() ? cString(root.toString()) : null;
        this.root = c != null ? nativeNode(root, c) : node(root);
    }

    static FileTree scan(Path root) throws IOException {
        return new FileTree(root);
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
        List<byte[]> names = NativeFs.list(c);
        if (names == null) return node(p);
        names.sort(Arrays::compareUnsigned);
        List<Entry> entries = new ArrayList<>(names.size());
        int dirLen = c.length - 1;
        for (byte[] n : names) {
            byte[] child = Arrays.copyOf(c, dirLen + 1 + n.length + 1);
            child[dirLen] = '/';
            System.arraycopy(n, 0, child, dirLen + 1, n.length);
            entries.add(new Entry(n, nativeNode(null, p, n, child)));
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
