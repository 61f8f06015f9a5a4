package org.storelog.nar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * The NAR of one small regular file framed in memory ({@link NarHasher#hashRegularFile}, and the
 * small-file path of {@link NarHasher#hashTree(Path, Set, long)}): the same hash, size and
 * references as the general path, and the hash {@code nix-hash} gives.
 */
class NarHasherSingleFileProperties {
    private static final String A = "0c0dj3lgxgkn0cjqbhw8ks0ksjq2mbg6", B = "zzzz3lgxgkn0cjqbhw8ks0ksjq2mbg6z";
    private Path dir;

    @BeforeTry void makeDir() throws Exception {
        dir = Files.createTempDirectory("nar-single");
    }

    @AfterTry void removeDir() {
        NarRestore.deleteTree(dir);
    }

    @Property(tries = 40)
    void inMemoryFramingEqualsTheGeneralPathAndNixHash(@ForAll @Size(max = 3000) byte[] body, @ForAll boolean executable,
                                                       @ForAll @IntRange(min = 0, max = 3) int refs) throws Exception {
        // some contents hold a candidate hash part, at the start, in the middle or at the end
        byte[] contents = switch (refs) {
            case 1 -> (A + new String(body, java.nio.charset.StandardCharsets.ISO_8859_1)).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            case 2 -> join(body, A.getBytes(), body);
            case 3 -> join(body, A.getBytes());
            default -> body;
        };
        Path f = dir.resolve("f");
        Files.write(f, contents);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(executable ? "r-xr-xr-x" : "r--r--r--"));
        Set<String> candidates = new HashSet<>(Set.of(A, B));

        NarDigest general = NarHasher.hashTree(f, candidates);
        NarDigest framed = NarHasher.hashRegularFile(contents, executable, candidates);
        NarDigest smallPath = NarHasher.hashTree(f, candidates, contents.length);
        for (NarDigest d : new NarDigest[] {framed, smallPath}) {
            assertEquals(general.narHash(), d.narHash());
            assertEquals(general.narSize(), d.narSize());
            assertEquals(general.foundHashParts(), d.foundHashParts());
        }
        assertEquals(refs == 0 ? Set.of() : Set.of(A), framed.foundHashParts());
        if (contents.length % 7 == 0) { // nix-hash for a sample (a process each)
            NixCli.require();
            assertEquals(NixCli.hash(f, "--type", "sha256", "--base32"), framed.narHash().toNix32());
        }
    }

    private static byte[] join(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
