package org.storelog.nar;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Builds a random file tree for differential tests: odd and non-ASCII names (some whose UTF-8
 * byte order differs from Java's UTF-16 order), executable and plain files, empty files and
 * directories, symlinks (dangling too), deep nesting and sometimes a file of 1 MB or more.
 */
final class RandomTree {
    /** Name pieces. "😀" sorts before "\uE000" in UTF-16 but after it in UTF-8. */
    private static final String[] PIECES = {"a", "B", "z", "_", "-", ".", "é", "ü", "😀", "\uE000", "日", " ", "~",
            "0", "Z", "\u00ff", "x.y", "#"};
    private final Random rnd;
    private int budgetLarge = 1;
    private int budgetNodes = 120;

    private RandomTree(long seed) {
        rnd = new Random(seed);
    }

    /** Creates the tree at {@code root} (which must not exist). */
    static void create(Path root, long seed) throws IOException {
        new RandomTree(seed).node(root, 0, true);
    }

    private void node(Path p, int depth, boolean isRoot) throws IOException {
        int k = rnd.nextInt(100);
        if (isRoot ? k < 80 : k < 30 + Math.max(0, 20 - depth * 5)) directory(p, depth);
        else if (k < (isRoot ? 90 : 80)) file(p);
        else symlink(p);
    }

    private void directory(Path p, int depth) throws IOException {
        Files.createDirectory(p);
        if (depth == 1 && rnd.nextInt(4) == 0) { // a deep chain
            Path d = p;
            int n = 20 + rnd.nextInt(30);
            for (int i = 0; i < n; i++) {
                d = FsNames.child(d, name().getBytes(StandardCharsets.UTF_8));
                Files.createDirectory(d);
            }
            file(FsNames.child(d, "leaf".getBytes(StandardCharsets.UTF_8)));
            return;
        }
        int n = depth > 5 || budgetNodes <= 0 ? 0 : rnd.nextInt(7);
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) names.add(name());
        for (String name : names) {
            budgetNodes--;
            node(FsNames.child(p, name.getBytes(StandardCharsets.UTF_8)), depth + 1, false);
        }
    }

    private String name() {
        while (true) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + rnd.nextInt(4);
            for (int i = 0; i < n; i++) sb.append(PIECES[rnd.nextInt(PIECES.length)]);
            String s = sb.toString();
            if (!s.equals(".") && !s.equals("..")) return s;
        }
    }

    private void file(Path p) throws IOException {
        int k = rnd.nextInt(100);
        long size;
        if (k < 10) size = 0;
        else if (k < 70) size = rnd.nextInt(100);
        else if (k < 95 || budgetLarge == 0) size = rnd.nextInt(70_000);
        else {
            budgetLarge--;
            size = (1 << 20) + rnd.nextInt(3 << 20);
        }
        byte[] buf = new byte[(int) Math.min(size, 1 << 16)];
        try (OutputStream out = Files.newOutputStream(p)) {
            long left = size;
            while (left > 0) {
                rnd.nextBytes(buf);
                int m = (int) Math.min(left, buf.length);
                out.write(buf, 0, m);
                left -= m;
            }
        }
        if (rnd.nextInt(3) == 0) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        else if (rnd.nextInt(4) == 0) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r--------"));
    }

    private void symlink(Path p) throws IOException {
        List<String> targets = new ArrayList<>(List.of("nowhere", "../up", "/nix/store/dangling", "é/😀", "a", ".",
                "x y", "/", "../../a/b"));
        Files.createSymbolicLink(p, Path.of(targets.get(rnd.nextInt(targets.size()))));
    }
}
