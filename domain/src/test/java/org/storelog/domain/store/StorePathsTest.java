package org.storelog.domain.store;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.hash.HashAlgorithm;
import org.storelog.testsupport.ExternalTools;

class StorePathsTest {
    private static final StoreDir NIX = StoreDir.DEFAULT;

    /** Differential against {@code nix-store --print-fixed-path} for every method and algorithm. */
    @Test
    void fixedOutputPath_equalsNixPrintFixedPath() {
        ExternalTools.require("nix-store");
        Random rnd = new Random(42);
        for (HashAlgorithm algo : List.of(HashAlgorithm.SHA1, HashAlgorithm.SHA256, HashAlgorithm.SHA512)) {
            for (FileIngestionMethod method : FileIngestionMethod.values()) {
                byte[] digest = new byte[algo.size()];
                rnd.nextBytes(digest);
                Hash h = new Hash(algo, digest);
                String name = "fixed-" + algo + "-" + method.name().toLowerCase();
                var cmd = new java.util.ArrayList<>(List.of("nix-store", "--print-fixed-path"));
                if (method == FileIngestionMethod.RECURSIVE) cmd.add("--recursive");
                cmd.addAll(List.of(algo.nixName(), h.toBase16(), name));
                String nix = ExternalTools.run(cmd).ok().out().strip();
                assertEquals(nix, StorePaths.makeFixedOutputPath(NIX, method, h, name).absolute(NIX), name);
            }
        }
    }

    @Test
    void fixedOutputPath_recursiveSha256_isSourcePathFromTheSameHash() {
        Hash h = Hash.parse("sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s");
        // value printed by `nix-store --print-fixed-path --recursive sha256 <h> foo` (Nix 2.8)
        assertEquals("/nix/store/8nz4xrxpk6mgia8bb9jxncpcikkm2xxv-foo",
                StorePaths.makeFixedOutputPath(NIX, FileIngestionMethod.RECURSIVE, h, "foo").absolute(NIX));
        assertEquals(StorePaths.makeStorePath(NIX, "source", h, "foo"),
                StorePaths.makeFixedOutputPath(NIX, FileIngestionMethod.RECURSIVE, h, "foo"));
    }

    @Test
    void fixedOutputPath_flatWithReferences_isRejected() {
        Hash h = Hash.sha256(new byte[0]);
        StorePath ref = StorePath.fromBaseName("r9zgkzc5zab416qddj283jlsvp18ydzr-busybox-static");
        assertThrows(IllegalArgumentException.class,
                () -> StorePaths.makeFixedOutputPath(NIX, FileIngestionMethod.FLAT, h, "x", List.of(ref), false));
    }

    @Test
    void storePath_dependsOnStoreDir() {
        Hash h = Hash.sha256(new byte[0]);
        assertNotEquals(StorePaths.makeTextPath(NIX, "t", h, List.of()).hashPart(),
                StorePaths.makeTextPath(StoreDir.of("/gnu/store"), "t", h, List.of()).hashPart());
    }

    @Test
    void textPath_referencesAreSortedBeforeHashing() {
        Hash h = Hash.sha256(new byte[] {1});
        StorePath a = StorePath.fromBaseName("0".repeat(32) + "-a");
        StorePath b = StorePath.fromBaseName("1".repeat(32) + "-b");
        assertEquals(StorePaths.makeTextPath(NIX, "t", h, List.of(a, b)), StorePaths.makeTextPath(NIX, "t", h, List.of(b, a)));
        assertNotEquals(StorePaths.makeTextPath(NIX, "t", h, List.of(a)), StorePaths.makeTextPath(NIX, "t", h, List.of()));
    }

    @Test
    void outputPathName_appendsOutputUnlessOut() {
        assertEquals("hello", StorePaths.outputPathName("hello", "out"));
        assertEquals("hello-dev", StorePaths.outputPathName("hello", "dev"));
    }

    @Test
    void makeStorePath_fingerprintIsNixs() {
        // fingerprint "output:out:sha256:<hex>:/nix/store:x", hashed and folded to 20 bytes
        Hash inner = Hash.sha256(new byte[] {7});
        String fp = "output:out:sha256:" + inner.toBase16() + ":/nix/store:x";
        byte[] folded = Hash.sha256(fp.getBytes(java.nio.charset.StandardCharsets.UTF_8)).compress(20);
        assertEquals(org.storelog.domain.hash.NixBase32.encode(folded) + "-x",
                StorePaths.makeOutputPath(NIX, "out", inner, "x").baseName());
        assertEquals(40, HexFormat.of().formatHex(folded).length());
    }
}
