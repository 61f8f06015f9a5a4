package org.storelog.app.build;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;
import org.storelog.sandbox.OutputCanonicalizer;

/** File moves between scratch directories and the physical store. */
final class StoreFiles {
    private StoreFiles() {}

    /**
     * Copies a tree as {@code nix-store --add} reads it: symlinks as symlinks, regular files with
     * their executable bit, directories; anything else is refused.
     */
    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) throws IOException {
                Path t = to.resolve(from.relativize(dir).toString());
                Files.createDirectory(t);
                return FileVisitResult.CONTINUE;
            }

            @Override public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
                Path t = to.resolve(from.relativize(file).toString());
                if (a.isSymbolicLink()) Files.createSymbolicLink(t, Files.readSymbolicLink(file));
                else if (a.isRegularFile()) {
                    Files.copy(file, t, LinkOption.NOFOLLOW_LINKS);
                    if (Files.isExecutable(file)) Files.setAttribute(t, "unix:mode", 0755);
                    else Files.setAttribute(t, "unix:mode", 0644);
                } else throw new IOException("cannot add " + file + ": not a regular file, directory or symbolic link");
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Puts {@code source} at {@code target} in the physical store: an atomic rename when both are on
     * one file system, otherwise a copy to a temporary sibling of the target renamed into place.
     * A stale unregistered {@code target} (left by a crash) is removed first.
     */
    static void moveIntoStore(Path source, Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) removeTree(target);
        // Moving a directory to another parent updates its "..": it must be writable for that.
        boolean dir = Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS);
        if (dir) Files.setAttribute(source, "unix:mode", 0755);
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            if (dir) Files.setAttribute(target, "unix:mode", 0555);
        } catch (AtomicMoveNotSupportedException e) {
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
            copyTree(source, tmp);
            OutputCanonicalizer.canonicalize(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            removeTree(source);
        }
    }

    /** Writes a read-only regular file atomically (temporary sibling, then rename). */
    static void writeFile(Path target, byte[] contents) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
        Files.write(tmp, contents);
        OutputCanonicalizer.canonicalize(tmp);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) removeTree(target);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes a tree, read-only store files included; absent is fine. */
    static void removeTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        OutputCanonicalizer.makeWritable(p);
        OutputCanonicalizer.delete(p);
    }
}
