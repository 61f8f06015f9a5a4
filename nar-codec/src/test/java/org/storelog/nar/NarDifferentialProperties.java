package org.storelog.nar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.BeforeTry;
import net.jqwik.api.lifecycle.AfterTry;
import org.storelog.domain.hash.HashAlgorithm;

/** Our NAR codec against real Nix on random trees. */
class NarDifferentialProperties {
    private Path dir;

    @BeforeTry void makeDir() throws Exception {
        dir = Files.createTempDirectory("nar-prop");
    }

    @AfterTry void removeDir() {
        NarRestore.deleteTree(dir);
    }

    @Property(tries = 30)
    void dumpEqualsNixStoreDumpAndHashEqualsNixHash(@ForAll long seed) throws Exception {
        NixCli.require();
        Path root = dir.resolve("tree");
        RandomTree.create(root, seed);

        byte[] nix = NixCli.dump(root);
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        NarWriter.dump(root, ours);
        assertSameBytes(nix, ours.toByteArray());

        NarDigest d = NarHasher.hashTree(root, Set.of());
        assertEquals(NixCli.hash(root, "--type", "sha256", "--base32"), d.narHash().toNix32());
        assertEquals(nix.length, d.narSize());
        // a size hint of 0 takes the path without native code (JDK digest, java.nio walk): same answer
        NarDigest small = NarHasher.hashTree(root, Set.of(), 0);
        assertEquals(d.narHash(), small.narHash());
        assertEquals(d.narSize(), small.narSize());
        assertEquals(NixCli.hash(root, "--type", "sha1"), NarHasher.hashTree(root, HashAlgorithm.SHA1).toBase16());
    }

    @Property(tries = 25)
    void restoreThenDumpGivesTheSameNar(@ForAll long seed) throws Exception {
        NixCli.require();
        Path root = dir.resolve("tree");
        RandomTree.create(root, seed);
        byte[] nix = NixCli.dump(root);

        Path restored = dir.resolve("restored");
        NarRestore.restore(new ByteArrayInputStream(nix), restored);
        assertSameBytes(nix, NixCli.dump(restored));
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        NarWriter.dump(restored, again);
        assertSameBytes(nix, again.toByteArray());
        try (var s = Files.list(dir)) {
            assertEquals(Set.of(root, restored), Set.copyOf(s.toList()), "restore left something beside DEST");
        }
    }

    @Property(tries = 15)
    void listingEqualsNixNarLs(@ForAll long seed) throws Exception {
        NixCli.require();
        Path root = dir.resolve("tree");
        RandomTree.create(root, seed);
        byte[] nix = NixCli.dump(root);
        Path narFile = dir.resolve("t.nar");
        Files.write(narFile, nix);

        NarListing listing = NarListing.of(new ByteArrayInputStream(nix));
        ObjectMapper json = new ObjectMapper();
        // Same text, key order included.
        assertEquals(NixCli.lsJson(narFile).trim(), json.writeValueAsString(listing.json().get("root")));
        assertEquals(json.writeValueAsString(listing.json()), json.writeValueAsString(NarListing.ofTree(root).json()));
    }

    @Property(tries = 10)
    void flatHashEqualsNixHashFlat(@ForAll long seed) throws Exception {
        NixCli.require();
        Path f = dir.resolve("f");
        byte[] data = new byte[(int) Math.floorMod(seed, 9L << 20)];
        new java.util.Random(seed).nextBytes(data);
        Files.write(f, data);
        for (String algo : new String[] {"sha256", "md5", "sha512"}) {
            assertEquals(NixCli.hash(f, "--flat", "--type", algo, "--base32"),
                    NarHasher.hashFile(f, HashAlgorithm.parse(algo)).toNix32(), algo);
        }
    }

    static void assertSameBytes(byte[] expected, byte[] actual) {
        int i = Arrays.mismatch(expected, actual);
        if (i >= 0) fail("NARs differ at byte " + i + " (expected " + expected.length + " bytes, got " + actual.length + ")");
    }
}
