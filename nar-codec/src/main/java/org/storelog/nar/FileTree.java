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
 *
 * <p>{@link #start} walks a directory on a thread of its own, so the NAR can be written (and its
 * files read ahead) while the walk goes on: a directory's entries are published as soon as it
 * is listed and sorted, and regular files are appended to {@link #file the file list} in NAR
 * order. {@link #entries} and {@link #awaitFiles} wait for what has not been published yet, and
 * throw what the walk failed with.
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

    /** A directory; its entries are null until the walk has listed it. */
    static final class Directory implements Node {
        private final Path path;
        private volatile List<Entry> entries;

        Directory(Path path, List<Entry> entries) {
            this.path = path;
            this.entries = entries;
        }

        Path path() { return path; }
    }

    record Entry(byte[] name, Node node) {}

    /** Walks started by {@link #start}; a cached pool, so concurrent dumps do not wait for each other. */
    private static final java.util.concurrent.ExecutorService WALKERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "nar-walk");
        t.setDaemon(true);
        return t;
    });

    final Node root;
    private final boolean deferStat;
    /** Regular files in NAR order; the first {@link #published} are visible to other threads. */
    private volatile Regular[] files = new Regular[64];
    private volatile int published;
    private int count;
    private volatile boolean done;
    private volatile Throwable failure;
    private volatile boolean cancelled;
    private int waiting;
    private final long[] size = new long[1];

    private FileTree(Path root, boolean deferStat, boolean concurrent, boolean nativeFs) throws IOException {
        this.deferStat = deferStat;
        byte[] c = nativeFs && NativeFs.available() && !regularFile(root) ? cString(root.toString()) : null;
        if (c == null) {
            this.root = node(root);
            collect(this.root);
            finish(null);
            return;
        }
        long[] sz = new long[1];
        int mode = NativeFs.lstat(c, sz);
        if (mode < 0 || (mode & NativeFs.S_IFMT) != NativeFs.S_IFDIR) {
            this.root = nativeNode(root, null, null, c);
            collect(this.root);
            finish(null);
            return;
        }
        Directory d = new Directory(root, null);
        this.root = d;
        if (!concurrent) {
            walk(d, c);
            rethrowFailure();
            return;
        }
        WALKERS.execute(() -> walk(d, c));
    }

    /**
     * Whether {@code root} is one regular file: then it is read through the JDK (a large one hashed
     * from a mapping, see {@link MappedRead}), as linking {@code statx} (one more FFM call shape,
     * 30-40 ms of start-up) would cost more than it saves on one file.
     */
    private static boolean regularFile(Path root) {
        try {
            return Files.readAttributes(root, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .isRegularFile();
        } catch (IOException e) {
            return false; // reported by the walk
        }
    }

    /** The tree at {@code root}, walked before this returns, with every size and mode known. */
    static FileTree scan(Path root) throws IOException {
        return new FileTree(root, false, false, true);
    }

    /**
     * The tree at {@code root}, a directory walked on a thread of its own; when
     * {@code deferStat}, regular files may have unknown sizes and modes (see the class comment),
     * which the reader of their contents must fill in.
     */
    static FileTree start(Path root, boolean deferStat) throws IOException {
        return start(root, deferStat, true);
    }

    /** As {@link #start(Path, boolean)}; without {@code nativeFs} the walk uses java.nio only (no C calls to link). */
    static FileTree start(Path root, boolean deferStat, boolean nativeFs) throws IOException {
        return new FileTree(root, deferStat, true, nativeFs);
    }

    /** All regular files, in NAR order, once the walk has finished. */
    List<Regular> regulars() throws IOException {
        awaitFiles(Integer.MAX_VALUE);
        return List.of(Arrays.copyOf(files, published));
    }

    /** Regular file number {@code i} in NAR order; {@code i} must be below {@link #published()}. */
    Regular file(int i) {
        if (i >= published) throw new IndexOutOfBoundsException(i);
        return files[i];
    }

    /** How many regular files are known so far. */
    int published() {
        return published;
    }

    /** Whether the walk has finished (successfully or not). */
    boolean done() {
        return done;
    }

    /** Waits until more than {@code n} files are known or the walk is over; throws what the walk failed with. */
    synchronized void awaitFiles(int n) throws IOException {
        waiting++;
        try {
            while (published <= n && !done) waitHere();
        } finally {
            waiting--;
        }
        rethrowFailure();
    }

    /** The entries of {@code d}, waiting for the walk to list it. */
    List<Entry> entries(Directory d) throws IOException {
        List<Entry> es = d.entries;
        if (es != null) return es;
        synchronized (this) {
            waiting++;
            try {
                while ((es = d.entries) == null && !done) waitHere();
            } finally {
                waiting--;
            }
        }
        if (es != null) return es;
        rethrowFailure();
        throw new IllegalStateException("walk finished without listing " + d.path());
    }

    private void waitHere() throws IOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while walking " + root);
        }
    }

    private void rethrowFailure() throws IOException {
        Throwable t = failure;
        if (t == null) return;
        if (t instanceof IOException io) {
            // A copy, so the stack trace shows this thread as well as the walk's.
            if (io instanceof NarTreeException n) throw new NarTreeException(n.reason(), n.path());
            throw new IOException(io.getMessage(), io);
        }
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        throw new IOException(t);
    }

    /** Stops the walk at the next directory (the NAR's writer has failed or finished). */
    void cancel() {
        cancelled = true;
    }

    private void walk(Directory d, byte[] c) {
        Throwable failed = null;
        try {
            nativeDirectory(d, c);
        } catch (Throwable t) {
            failed = t;
        }
        finish(failed);
    }

    private synchronized void finish(Throwable failed) {
        failure = failed;
        published = count;
        done = true;
        notifyAll();
    }

    private void add(Regular r) {
        if (count == files.length) files = Arrays.copyOf(files, count * 2);
        files[count++] = r;
    }

    /** Makes the files added so far visible, and wakes a waiting writer. */
    private synchronized void publish() {
        published = count;
        if (waiting > 0) notifyAll();
    }

    /** Adds the regular files of a subtree the walk has built whole, in NAR order. */
    private void collect(Node n) {
        if (n instanceof Regular r) add(r);
        else if (n instanceof Directory d) for (Entry e : d.entries) collect(e.node());
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
    /** The node at {@code c}, whose path is {@code p}, or the entry {@code name} of directory {@code parent} when p is null. */
    private Node nativeNode(Path p, Path parent, byte[] name, byte[] c) throws IOException {
        int mode = NativeFs.lstat(c, size);
        if (mode >= 0 && (mode & NativeFs.S_IFMT) == NativeFs.S_IFREG) {
            return new Regular(p, parent, name, (mode & 0100) != 0, size[0], c);
        }
        if (p == null) p = FsNames.child(parent, name);
        if (mode < 0 || (mode & NativeFs.S_IFMT) != NativeFs.S_IFDIR) return node(p);
        // Listed by the caller, after the entries before it (see nativeDirectory).
        return new Directory(p, null);
    }

    /**
     * Lists directory {@code d} (C path {@code c}) with {@code readdir}, publishes its sorted
     * entries, then walks its subdirectories and adds its regular files, in NAR order.
     */
    private void nativeDirectory(Directory d, byte[] c) throws IOException {
        if (cancelled) throw new java.io.InterruptedIOException("walk of " + root + " cancelled");
        List<NativeFs.DirEntry> listed = NativeFs.entries(c);
        if (listed == null) {
            Directory jdk = (Directory) node(d.path());
            d.entries = jdk.entries;
            collect(d);
            publish();
            return;
        }
        listed.sort((x, y) -> Arrays.compareUnsigned(x.name(), y.name()));
        List<Entry> entries = new ArrayList<>(listed.size());
        byte[][] childPaths = new byte[listed.size()][];
        int dirLen = c.length - 1;
        for (int i = 0; i < childPaths.length; i++) {
            NativeFs.DirEntry e = listed.get(i);
            byte[] n = e.name();
            byte[] child = Arrays.copyOf(c, dirLen + 1 + n.length + 1);
            child[dirLen] = '/';
            System.arraycopy(n, 0, child, dirLen + 1, n.length);
            Node node;
            if (deferStat && e.type() == NativeFs.DT_REG) {
                node = new Regular(null, d.path(), n, false, -1, child);
            } else if (e.type() == NativeFs.DT_DIR) {
                node = new Directory(FsNames.child(d.path(), n), null);
                childPaths[i] = child;
            } else {
                node = nativeNode(null, d.path(), n, child);
                if (node instanceof Directory sub && sub.entries == null) childPaths[i] = child;
            }
            entries.add(new Entry(n, node));
        }
        d.entries = entries;
        publish();
        for (int i = 0; i < childPaths.length; i++) {
            Node n = entries.get(i).node();
            if (childPaths[i] != null) nativeDirectory((Directory) n, childPaths[i]);
            else collect(n);
        }
        publish();
    }

    private Node node(Path p) throws IOException {
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
            byte[] target = FsNames.linkTarget(p);
            if (target.length > NarWire.MAX_TARGET) throw new NarTreeException("symlink target too long", p);
            return new Symlink(p, target);
        }
        if (a.isRegularFile()) {
            return new Regular(p, a.permissions().contains(PosixFilePermission.OWNER_EXECUTE), a.size());
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
