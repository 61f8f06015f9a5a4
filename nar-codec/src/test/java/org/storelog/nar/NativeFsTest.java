package org.storelog.nar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native file calls against what the JDK sees (on Java 22+ with the multi-release jar). */
class NativeFsTest {
    @TempDir Path dir;

    private static byte[] c(Path p) {
        byte[] s = p.toString().getBytes(StandardCharsets.US_ASCII);
        return Arrays.copyOf(s, s.length + 1);
    }

    @Test
    void availableWhereExpected() {
        // Set by the test run against the packaged multi-release jar (see nar-codec/pom.xml).
        if (Boolean.getBoolean("storelog.test.expectLibCrypto")) assertTrue(NativeFs.available());
    }

    @Test
    void listGivesTheNamesWithoutDotEntries() throws Exception {
        assumeTrue(NativeFs.available());
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("a"), "x");
        Files.createSymbolicLink(dir.resolve("link"), Path.of("a"));
        Files.writeString(dir.resolve(".hidden"), "");
        Set<String> names = NativeFs.list(c(dir)).stream()
                .map(b -> new String(b, StandardCharsets.US_ASCII)).collect(Collectors.toSet());
        assertEquals(Set.of("sub", "a", "link", ".hidden"), names);
        assertNull(NativeFs.list(c(dir.resolve("missing"))));
    }

    @Test
    void lstatGivesTypeModeAndSizeWithoutFollowingLinks() throws Exception {
        assumeTrue(NativeFs.available());
        Path f = Files.write(dir.resolve("f"), new byte[12345]);
        f.toFile().setExecutable(true);
        Files.createSymbolicLink(dir.resolve("link"), Path.of("f"));
        long[] size = new long[1];
        int mode = NativeFs.lstat(c(f), size);
        assertEquals(NativeFs.S_IFREG, mode & NativeFs.S_IFMT);
        assertEquals(0100, mode & 0100);
        assertEquals(12345, size[0]);
        assertEquals(NativeFs.S_IFLNK, NativeFs.lstat(c(dir.resolve("link")), size) & NativeFs.S_IFMT);
        assertEquals(NativeFs.S_IFDIR, NativeFs.lstat(c(dir), size) & NativeFs.S_IFMT);
        assertEquals(-1, NativeFs.lstat(c(dir.resolve("missing")), size));
    }

    @Test
    void readFillsTheRangeAndSeesAFileLongerThanExpected() throws Exception {
        assumeTrue(NativeFs.available());
        byte[] data = new byte[70_000];
        new java.util.Random(7).nextBytes(data);
        Path f = Files.write(dir.resolve("f"), data);
        byte[] buf = new byte[100_000];
        assertEquals(data.length, NativeFs.read(c(f), buf, 10, data.length));
        assertArrayEquals(data, Arrays.copyOfRange(buf, 10, 10 + data.length));
        // Expecting fewer bytes than the file holds: one more is read, so the caller sees it grew.
        assertEquals(101, NativeFs.read(c(f), buf, 0, 100));
        assertEquals(-1, NativeFs.read(c(dir.resolve("missing")), buf, 0, 1));
    }

    @Test
    void hashOfATreeEqualsSha256OfItsDump() throws Exception {
        // Equality with nix-store --dump itself is NarDifferentialProperties (run on both walks).
        Path root = dir.resolve("t");
        RandomTree.create(root, 42);
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        NarWriter.dump(root, ours);
        List<FileTree.Regular> files = FileTree.scan(root).regulars();
        if (NativeFs.available() && !files.isEmpty()) assertTrue(files.get(0).cpath() != null);
        NarDigest d = NarHasher.hashTree(root, Set.of());
        assertEquals(ours.size(), d.narSize());
        assertArrayEquals(java.security.MessageDigest.getInstance("SHA-256").digest(ours.toByteArray()), d.narHash().bytes());
    }
}
