package org.storelog.domain.store;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class StorePathTest {
    private static final StoreDir NIX = StoreDir.DEFAULT;
    private static final String HASH = "r9zgkzc5zab416qddj283jlsvp18ydzr";

    @Test
    void parse_valid_givesHashPartNameAndAbsolute() {
        StorePath p = StorePath.parse(NIX, "/nix/store/" + HASH + "-busybox-static");
        assertEquals(HASH, p.hashPart());
        assertEquals("busybox-static", p.name());
        assertEquals("/nix/store/" + HASH + "-busybox-static", p.absolute(NIX));
        assertEquals("/tmp/s/" + HASH + "-busybox-static", p.absolute(StoreDir.of("/tmp/s")));
        assertFalse(p.isDerivation());
        assertTrue(StorePath.fromBaseName(HASH + "-x.drv").isDerivation());
    }

    @Test
    void name_allCharactersNixAllows_areAccepted() {
        assertEquals("aZ09+-._?=", StorePath.fromBaseName(HASH + "-aZ09+-._?=").name());
    }

    @Test
    void name_ofMaxLength211_isAccepted_212_isRejectedAtPosition() {
        assertEquals(211, StorePath.fromBaseName(HASH + "-" + "a".repeat(211)).name().length());
        var e = assertThrows(InvalidStorePathException.class, () -> StorePath.fromBaseName(HASH + "-" + "a".repeat(212)));
        assertTrue(e.reason().contains("longer than 211"), e.reason());
        assertEquals(33 + 211, e.position());
    }

    @Test
    void name_startingWithDot_isRejected() {
        var e = assertThrows(InvalidStorePathException.class, () -> StorePath.fromBaseName(HASH + "-.hidden"));
        assertEquals("name starts with '.'", e.reason());
        assertEquals(33, e.position());
    }

    @Test
    void name_withIllegalCharacter_namesCharacterAndPosition() {
        var e = assertThrows(InvalidStorePathException.class, () -> StorePath.parse(NIX, "/nix/store/" + HASH + "-foo bar"));
        assertEquals("illegal character ' ' in name", e.reason());
        assertEquals("/nix/store/".length() + 33 + 3, e.position());
        assertThrows(InvalidStorePathException.class, () -> StorePath.fromBaseName(HASH + "-caf\u00e9"));
        assertThrows(InvalidStorePathException.class, () -> StorePath.fromBaseName(HASH + "-a/b"));
    }

    @Test
    void name_empty_isRejected() {
        var e = assertThrows(InvalidStorePathException.class, () -> StorePath.fromBaseName(HASH + "-"));
        assertTrue(e.reason().contains("too short"), e.reason());
    }

    @Test
    void hashPart_withLettersNotInNix32_isRejected() {
        for (char bad : new char[] {'e', 'o', 'u', 't', 'A', '-'}) {
            String h = bad + HASH.substring(1);
            var e = assertThrows(InvalidStorePathException.class, () -> StorePath.fromBaseName(h + "-foo"), "char " + bad);
            assertEquals(0, e.position());
            assertTrue(e.reason().contains("nix32"), e.reason());
        }
    }

    @Test
    void hashPart_tooShort_isRejected() {
        var e = assertThrows(InvalidStorePathException.class, () -> StorePath.fromBaseName("abc-foo"));
        assertTrue(e.reason().contains("too short"), e.reason());
        var e2 = assertThrows(InvalidStorePathException.class, () -> StorePath.fromBaseName(HASH + "x-foo"));
        assertEquals(32, e2.position());
    }

    @Test
    void parse_outsideStoreDir_isRejected() {
        var e = assertThrows(InvalidStorePathException.class, () -> StorePath.parse(NIX, "/nix/stor/" + HASH + "-foo"));
        assertTrue(e.reason().contains("not in the store directory"), e.reason());
        assertEquals(9, e.position());
        assertThrows(InvalidStorePathException.class, () -> StorePath.parse(NIX, "/nix/store/sub/" + HASH + "-foo"));
    }

    @Test
    void compare_isByBaseName_andEqualityByValue() {
        StorePath a = StorePath.fromBaseName("0" + HASH.substring(1) + "-z");
        StorePath b = StorePath.fromBaseName("1" + HASH.substring(1) + "-a");
        assertTrue(a.compareTo(b) < 0);
        assertEquals(a, StorePath.fromBaseName(a.baseName()));
        assertEquals(a.hashCode(), StorePath.fromBaseName(a.baseName()).hashCode());
        assertNotEquals(a, b);
    }

    @Test
    void storeDir_mustBeAbsoluteCanonicalWithoutTrailingSlash() {
        assertEquals("/nix/store", StoreDir.DEFAULT.path());
        assertThrows(IllegalArgumentException.class, () -> StoreDir.of("nix/store"));
        assertThrows(IllegalArgumentException.class, () -> StoreDir.of("/nix/store/"));
        assertThrows(IllegalArgumentException.class, () -> StoreDir.of("/"));
        assertThrows(IllegalArgumentException.class, () -> StoreDir.of("/nix//store"));
        assertThrows(IllegalArgumentException.class, () -> StoreDir.of("/nix/../store"));
        assertEquals("/a/b", StoreDir.of("/a/b").path());
    }
}
