package org.storelog.domain.hash;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class NixBase32Test {
    @Test
    void vectorsFromNixDocs_convertBothWays() {
        check("183a6rxnhixiyykd7qis0y9g9cfqhpkk872a245y3zl28can0pqd",
              "0d5f60154382fee10b114a1c34e785d8b1f492073ae2d3a6f7b147687b366aa0");
        check("1bgafvy3ypbhhfznwjv1lxmd6mci3x1byilnnkc7gcr486wlb8pl",
              "f4a245b94124b377d8b49646bf421f9155d36aa7614b6ebf83705d3ffc76eaad");
    }

    private static void check(String nix32, String hex) {
        byte[] raw = HexFormat.of().parseHex(hex);
        assertEquals(nix32, NixBase32.encode(raw));
        assertArrayEquals(raw, NixBase32.decode(nix32, 32));
        Hash h = Hash.parse("sha256:" + nix32);
        assertEquals(hex, h.toBase16());
        assertEquals(h, Hash.parse("sha256:" + hex));
        assertEquals(h, Hash.parse(h.toSri()));
        assertEquals(h, Hash.parse(h.toBase64(), HashAlgorithm.SHA256));
    }

    @Test
    void decode_badCharacter_namesPosition() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> NixBase32.decode("e83a6rxnhixiyykd7qis0y9g9cfqhpkk872a245y3zl28can0pqd", 32));
        assertTrue(e.getMessage().contains("position 0"), e.getMessage());
    }
}
