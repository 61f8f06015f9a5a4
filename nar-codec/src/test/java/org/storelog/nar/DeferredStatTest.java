package org.storelog.nar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.testsupport.ExternalTools;

/**
 * Trees whose regular files the walk does not stat (their size and mode come from the
 * read-ahead threads' {@code fstat}): the NAR must still be what {@code nix-store --dump} writes,
 * whatever mix of sizes around the read-ahead limits, and special files are still refused.
 */
class DeferredStatTest {
    @TempDir Path dir;

    @Test
    void walkLeavesRegularFilesUnstatedOnlyWhenBatchesStatThem() throws Exception {
        Path root = dir.resolve("t");
        Files.createDirectories(root.resolve("sub"));
        Files.write(root.resolve("sub/f"), new byte[10]);
        List<FileTree.Regular> deferred = FileTree.start(root, true).regulars();
        List<FileTree.Regular> statted = FileTree.start(root, false).regulars();
        assertEquals(10, statted.get(0).size());
        // Without the native walk (Java 21, or run from the class directory) sizes are always known.
        if (NativeFs.available()) assertFalse(deferred.get(0).known());
        else assertTrue(deferred.get(0).known());
    }

    @Test
    void sizesAroundTheReadAheadLimitsGiveNixsDump() throws Exception {
        ExternalTools.require("nix-store");
        Path root = dir.resolve("t");
        Files.createDirectories(root.resolve("a/b"));
        long small = ContentReader.SMALL;
        long[] sizes = {0, 1, 7, 8, 9, 4095, 16 << 10, (16 << 10) + 1, small - 1, small, small + 1,
                ContentReader.BATCH_BYTES, 3 << 20, 10, 0, small + 1, 100};
        Random rnd = new Random(5);
        for (int i = 0; i < sizes.length; i++) {
            byte[] data = new byte[(int) sizes[i]];
            rnd.nextBytes(data);
            Path f = Files.write(root.resolve(i % 3 == 0 ? "a/b" : i % 3 == 1 ? "a" : ".").resolve("f" + i), data);
            if (i % 4 == 1) assertTrue(f.toFile().setExecutable(true));
        }
        // More small files than a batch holds, so several batches are in flight.
        for (int i = 0; i < 3 * ContentReader.BATCH_FILES; i++) Files.write(root.resolve("a/s" + i), new byte[i]);
        byte[] nix = ExternalTools.run(List.of("nix-store", "--dump", root.toString())).ok().stdout();
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        NarWriter.dump(root, ours);
        assertArrayEquals(nix, ours.toByteArray());
        NarDigest d = NarHasher.hashTree(root, Set.of());
        assertArrayEquals(java.security.MessageDigest.getInstance("SHA-256").digest(nix), d.narHash().bytes());
        assertEquals(nix.length, d.narSize());
    }

    @Test
    void aFifoInATreeIsRefusedNotOpened() throws Exception {
        assumeTrue(ExternalTools.which("mkfifo") != null);
        Path root = dir.resolve("t");
        Files.createDirectories(root);
        Files.write(root.resolve("a"), new byte[5]);
        ExternalTools.run(List.of("mkfifo", root.resolve("p").toString())).ok();
        NarTreeException e = assertThrows(NarTreeException.class, () -> NarHasher.hashTree(root, Set.of()));
        assertTrue(e.reason().contains("special file"), e.reason());
        assertEquals(root.resolve("p"), e.path());
    }
}
