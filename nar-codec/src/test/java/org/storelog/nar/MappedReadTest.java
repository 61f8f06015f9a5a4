package org.storelog.nar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.storelog.domain.hash.HashAlgorithm;
import org.storelog.testsupport.ExternalTools;

/**
 * Large files hashed from a mapping ({@link MappedRead}, Java 22+ with native access, x86-64
 * Linux; this class also runs against the packaged multi-release jar, where the mapping must
 * be used): the same hashes as reading the file and as {@code nix-hash}, flat and {@code -r},
 * for sizes around page and piece boundaries; files that cannot be leased are read instead; a
 * file truncated while it is hashed is reported, not hashed from pages that are gone.
 */
class MappedReadTest {
    @TempDir Path dir;

    @AfterEach
    void noHook() {
        MappedRead.beforePiece = null;
    }

    /**
     * True when this run must hash from a mapping: the run against the jar on Java 22+, on
     * x86-64 Linux, where this process may take leases in the temporary directory (file
     * systems without leases are read instead; then only the hashes are checked).
     */
    private boolean mappingExpected() throws Exception {
        if (!Boolean.getBoolean("storelog.test.expectLibCrypto") || !"amd64".equals(System.getProperty("os.arch"))
                || !"Linux".equals(System.getProperty("os.name"))) return false;
        Path probe = Files.write(dir.resolve("lease-probe"), new byte[1]);
        boolean leases = MappedRead.canLease(probe);
        if (!leases) System.err.println("MappedReadTest: no read lease on " + dir + "; files there are read, not mapped");
        return leases;
    }

    private Path file(String name, long size, long seed) throws Exception {
        byte[] data = new byte[(int) size];
        new Random(seed).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }

    private static byte[] sha256(Path f) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
    }

    @Test
    void mappedHashEqualsTheReadPathAndNixHashAroundPageAndPieceBoundaries() throws Exception {
        NixCli.require();
        long min = MappedRead.MIN;
        long piece = 2L << 20;
        long[] sizes = {min - 1, min, min + 1, min + 4095, min + 4096, min + 4097, 3 * piece - 1, 3 * piece,
                3 * piece + 1, 5 * piece + 12345};
        boolean mapped = mappingExpected();
        for (int i = 0; i < sizes.length; i++) {
            Path f = file("f" + i, sizes[i], i);
            byte[] expected = sha256(f);
            // The mapping alone, when this run must use it.
            NarDigestSink sink = new NarDigestSink(HashAlgorithm.SHA256, Set.of(), null);
            long n = MappedRead.hash(f, sink);
            if (mapped && sizes[i] >= min) {
                assertEquals(sizes[i], n, "size " + sizes[i] + " was not hashed from a mapping");
                assertArrayEquals(expected, sink.result().narHash().bytes(), "size " + sizes[i]);
            } else if (sizes[i] < min) {
                assertEquals(-1, n, "a file below the threshold is read");
            }
            // What `audit hash` and `audit hash -r` call, against the JDK and against nix-hash.
            assertArrayEquals(expected, NarHasher.hashFile(f, HashAlgorithm.SHA256).bytes(), "flat, size " + sizes[i]);
            assertEquals(NixCli.hash(f, "--flat", "--type", "sha256", "--base32"),
                    NarHasher.hashFile(f, HashAlgorithm.SHA256).toNix32(), "flat vs nix-hash, size " + sizes[i]);
            assertEquals(NixCli.hash(f, "--type", "sha256", "--base32"),
                    NarHasher.hashTree(f, HashAlgorithm.SHA256).toNix32(), "-r vs nix-hash, size " + sizes[i]);
            Files.delete(f);
        }
    }

    @Test
    void largeFilesInsideATreeGiveNixsNarHash() throws Exception {
        NixCli.require();
        Path root = dir.resolve("t");
        Files.createDirectories(root.resolve("sub"));
        file("t/a", 100, 1);
        file("t/sub/big", MappedRead.MIN + 7, 2);
        file("t/sub/c", 3, 3);
        file("t/z", 2 * MappedRead.MIN + 1, 4);
        assertEquals(NixCli.hash(root, "--type", "sha256", "--base32"),
                NarHasher.hashTree(root, HashAlgorithm.SHA256).toNix32());
        NarDigest d = NarHasher.hashTree(root, Set.of());
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(NixCli.dump(root)), d.narHash().bytes());
    }

    @Test
    void emptyAndSmallFilesAreReadNotMapped() throws Exception {
        NixCli.require();
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertEquals(-1, MappedRead.hash(empty, new NarDigestSink(HashAlgorithm.SHA256, Set.of(), null)));
        assertEquals(NixCli.hash(empty, "--flat", "--type", "sha256", "--base32"),
                NarHasher.hashFile(empty, HashAlgorithm.SHA256).toNix32());
        assertEquals(NixCli.hash(empty, "--type", "sha256", "--base32"),
                NarHasher.hashTree(empty, HashAlgorithm.SHA256).toNix32());
    }

    @Test
    void aFileOpenForWritingIsReadNotMapped() throws Exception {
        Path f = file("w", MappedRead.MIN + 100, 9);
        byte[] expected = sha256(f);
        // Someone holds it open for writing: no read lease is granted, so it is read instead.
        try (FileOutputStream writer = new FileOutputStream(f.toFile(), true)) {
            assertEquals(-1, MappedRead.hash(f, new NarDigestSink(HashAlgorithm.SHA256, Set.of(), null)));
            assertArrayEquals(expected, NarHasher.hashFile(f, HashAlgorithm.SHA256).bytes());
        }
    }

    @Test
    void aFileTruncatedWhileHashedIsReportedNotCrashedOn() throws Exception {
        // Only where files are mapped (the read path's handling is DeferredStatTest's and the differential tests').
        assumeTrue(mappingExpected(), "files are not hashed from a mapping in this run");
        String perl = ExternalTools.require("perl");
        long size = 128L << 20;
        Path f = file("shrinks", size, 11);
        AtomicReference<Process> truncater = new AtomicReference<>();
        MappedRead.beforePiece = k -> {
            try {
                if (k == 1) {
                    // truncate(2) by another process: the kernel holds it until our lease is given back.
                    truncater.set(new ProcessBuilder(perl, "-e", "truncate($ARGV[0], 1000) or die \"$!\"", f.toString())
                            .redirectErrorStream(true).start());
                    // Wait until the kernel says the lease is being broken (at most 20 s).
                    for (int i = 0; i < 2000 && !Files.readString(Path.of("/proc/locks")).contains("BREAK"); i++) Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        NarTreeException e = assertThrows(NarTreeException.class, () -> NarHasher.hashFile(f, HashAlgorithm.SHA256));
        assertTrue(e.reason().contains("changed size"), e.reason());
        assertEquals(f, e.path());
        Process p = truncater.get();
        if (p == null) fail("the hook never ran: the file was not hashed from a mapping");
        assertEquals(0, p.waitFor(), () -> new String(readAll(p)));
        assertEquals(1000, Files.size(f));
        // And the flat hash of what is left is what nix-hash says, through the same path.
        MappedRead.beforePiece = null;
        if (ExternalTools.which("nix-hash") != null)
            assertEquals(NixCli.hash(f, "--flat", "--type", "sha256", "--base32"),
                    NarHasher.hashFile(f, HashAlgorithm.SHA256).toNix32());
    }

    private static byte[] readAll(Process p) {
        try {
            return p.getInputStream().readAllBytes();
        } catch (java.io.IOException e) {
            return new byte[0];
        }
    }

    @Test
    void aTreeWhoseLargeFileShrinksIsReported() throws Exception {
        assumeTrue(mappingExpected(), "files are not hashed from a mapping in this run");
        String perl = ExternalTools.require("perl");
        Path root = dir.resolve("t");
        Files.createDirectories(root);
        Path big = file("t/big", 64L << 20, 12);
        file("t/small", 10, 13);
        MappedRead.beforePiece = k -> {
            try {
                if (k == 2) {
                    new ProcessBuilder(perl, "-e", "truncate($ARGV[0], 5) or die", big.toString()).start();
                    for (int i = 0; i < 2000 && !Files.readString(Path.of("/proc/locks")).contains("BREAK"); i++) Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        NarTreeException e = assertThrows(NarTreeException.class, () -> NarHasher.hashTree(root, HashAlgorithm.SHA256));
        assertTrue(e.reason().contains("changed size"), e.reason());
        assertEquals(List.of(big), List.of(e.path()));
    }
}
