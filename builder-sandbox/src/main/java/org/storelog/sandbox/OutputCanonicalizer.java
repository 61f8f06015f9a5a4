package org.storelog.sandbox;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.storelog.sandbox.CanonicalizationException.Reason;

/**
 * Canonicalizes the metadata of an output tree the way Nix 2.8's
 * {@code canonicalisePathMetaData} does ({@code src/libstore/local-store.cc}): every regular file
 * and directory gets mode 0444, or 0555 if its owner-execute bit was set (directories always
 * have it), which also drops setuid, setgid and sticky bits; every entry, symlinks included, gets
 * mtime 1 (the atime is kept); ownership becomes that of the current process; anything other than
 * a regular file, directory or symlink is refused. Symlinks keep their own permissions.
 *
 * <p>Not mirrored: removal of extended attributes and ACLs (the JDK cannot list non-{@code user.}
 * attributes) and the build-user uid range check (we never build under a separate host uid).
 */
public final class OutputCanonicalizer {
    private OutputCanonicalizer() {}

    /** Nix's {@code mtimeStore}: the modification time of everything in the store. */
    public static final long MTIME_STORE = 1;

    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IXUSR = 0100;

    /**
     * Refuses an output root that is group- or world-writable (unless it is a symlink), as Nix's
     * {@code registerOutputs} does before canonicalizing.
     */
    public static void checkOutputRoot(Path output) {
        Map<String, Object> st = stat(output);
        int mode = (Integer) st.get("mode");
        if ((mode & S_IFMT) != S_IFLNK && (mode & 0022) != 0)
            throw new CanonicalizationException(Reason.SUSPICIOUS_PERMISSIONS, output,
                    "suspicious permission " + String.format("%04o", mode & 07777) + " on output; rejecting it", null);
    }

    /**
     * Canonicalizes {@code root} and everything below it.
     *
     * @return the total size of the regular files under {@code root} (callers choose how to hash by it)
     */
    public static long canonicalize(Path root) {
        return visit(root, ownId("uid"), ownId("gid"));
    }

    private static long visit(Path path, int uid, int gid) {
        Map<String, Object> st = stat(path);
        int mode = (Integer) st.get("mode");
        int type = mode & S_IFMT;
        if (type != S_IFREG && type != S_IFDIR && type != S_IFLNK)
            throw new CanonicalizationException(Reason.UNSUPPORTED_FILE_TYPE, path,
                    "file has an unsupported type (mode " + String.format("%06o", mode) + ")", null);
        try {
            if (type != S_IFLNK) {
                int perm = mode & ~S_IFMT;
                if (perm != 0444 && perm != 0555)
                    Files.setAttribute(path, "unix:mode", 0444 | ((mode & S_IXUSR) != 0 ? 0111 : 0));
            }
            FileTime mtime = (FileTime) st.get("lastModifiedTime");
            if (mtime.toMillis() / 1000 != MTIME_STORE || mtime.toMillis() % 1000 != 0)
                Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(FileTime.fromMillis(MTIME_STORE * 1000), (FileTime) st.get("lastAccessTime"), null);
            if ((Integer) st.get("uid") != uid) Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            if ((Integer) st.get("gid") != gid) Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            long bytes = type == S_IFREG ? (Long) st.get("size") : 0;
            if (type == S_IFDIR) {
                List<Path> children = new ArrayList<>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(path)) {
                    ds.forEach(children::add);
                }
                for (Path c : children) bytes += visit(c, uid, gid);
            }
            return bytes;
        } catch (IOException e) {
            throw new CanonicalizationException(Reason.IO, path, "cannot canonicalize: " + e.getMessage(), e);
        }
    }

    /**
     * Makes every directory under {@code root} writable by its owner again (mode |= 0700), so
     * the tree can be deleted or modified; files are left alone (deleting them only needs a
     * writable parent).
     */
    public static void makeWritable(Path root) {
        try {
            if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) return;
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                    if ((mode & 0700) != 0700) Files.setAttribute(dir, "unix:mode", (mode & 07777) | 0700);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new CanonicalizationException(Reason.IO, root, "cannot make writable: " + e.getMessage(), e);
        }
    }

    /** Deletes {@code root} and everything below it, read-only directories included. Symlinks are not followed. */
    public static void delete(Path root) {
        try {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
            makeWritable(root);
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    if (exc != null) throw exc;
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new CanonicalizationException(Reason.IO, root, "cannot delete: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> stat(Path path) {
        try {
            return Files.readAttributes(path, "unix:mode,uid,gid,size,lastModifiedTime,lastAccessTime",
                    LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new CanonicalizationException(Reason.IO, path, "cannot stat: " + e.getMessage(), e);
        }
    }

    private static int ownId(String which) {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:" + which);
        } catch (IOException e) {
            throw new CanonicalizationException(Reason.IO, Path.of("/proc/self"), "cannot read own " + which, e);
        }
    }
}
