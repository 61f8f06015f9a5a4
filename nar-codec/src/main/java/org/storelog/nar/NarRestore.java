package org.storelog.nar;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Unpacks a NAR into a new path; mirrors {@code restorePath} in Nix's
 * {@code src/libutil/archive.cc}. Everything is first written into a fresh hidden sibling of the
 * destination, which is renamed into place only once the whole NAR has been read and checked;
 * on any error the sibling is removed and the destination never appears. Names were validated
 * by {@link NarReader} (no {@code /}, {@code .}, {@code ..}) and files are created exclusively,
 * so nothing is written outside the destination, not even through a symlink in the archive.
 */
public final class NarRestore {
    private NarRestore() {}

    /** Restores the NAR read from {@code in} at {@code dest}, which must not exist yet. */
    public static void restore(InputStream in, Path dest) throws IOException {
        Path target = dest.toAbsolutePath().normalize();
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) throw new NarTreeException("already exists", dest);
        Path parent = target.getParent();
        if (parent == null) throw new NarTreeException("cannot restore over the root directory", dest);
        Path tmp = parent.resolve("." + target.getFileName() + ".restore-"
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
        try {
            NarReader.read(in, new Writer(tmp));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    private static final class Writer implements NarReader.Visitor {
        /** dirs.get(k): the directory at depth k of the archive. */
        private final List<Path> dirs = new ArrayList<>();
        private final Path root;

        Writer(Path root) { this.root = root; }

        private Path place(List<byte[]> path) {
            if (path.isEmpty()) return root;
            return FsNames.child(dirs.get(path.size() - 1), path.get(path.size() - 1));
        }

        @Override public void directory(List<byte[]> path) throws IOException {
            Path p = place(path);
            Files.createDirectory(p);
            while (dirs.size() > path.size()) dirs.remove(dirs.size() - 1);
            dirs.add(p);
        }

        @Override public void regular(List<byte[]> path, boolean executable, long size, long contentsOffset,
                                      InputStream contents) throws IOException {
            Path p = place(path);
            try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                contents.transferTo(out);
            }
            if (executable) {
                Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                perms.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                        PosixFilePermission.OTHERS_EXECUTE));
                Files.setPosixFilePermissions(p, perms);
            }
        }

        @Override public void symlink(List<byte[]> path, byte[] target) throws IOException {
            Path p = place(path);
            Path t = FsNames.targetPath(target);
            if (t == null || target.length == 0)
                throw new NarTreeException("symlink target '" + new String(target, java.nio.charset.StandardCharsets.UTF_8)
                        + "' cannot be created exactly on this platform", p);
            Files.createSymbolicLink(p, t);
        }
    }

    /** Removes {@code p} and everything under it, never following symlinks; absent is fine. */
    static void deleteTree(Path p) {
        try {
            Files.walkFileTree(p, new SimpleFileVisitor<>() {
                @Override public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                    Files.delete(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // nothing was created
        } catch (IOException e) {
            // best effort: the temporary sibling is hidden and uniquely named
        }
    }
}
