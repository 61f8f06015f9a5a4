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

    record Regular(Path path, boolean executable, long size) implements Node {}

    record Symlink(Path path, byte[] target) implements Node {}

    record Directory(Path path, List<Entry> entries) implements Node {}

    record Entry(byte[] name, Node node) {}

    final Node root;
    final List<Regular> regulars = new ArrayList<>();

    private FileTree(Path root) throws IOException {
        this.root = node(root);
    }

    static FileTree scan(Path root) throws IOException {
        return new FileTree(root);
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
