package org.storelog.nar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RefScannerTest {
    static final String H1 = "r9zgkzc5zab416qddj283jlsvp18ydzr";
    static final String H2 = "n7zh57z4wsss68dmr7cchnx1kcb2z248";
    static final String OTHER = "q1pgl82n7yz0dhxlxk8nn0wqkqz3q3l6";

    private static byte[] sample() {
        String s = "\0\1binary junk /nix/store/" + H1 + "-busybox-static/bin/sh and zz" + H2
                + " but not " + OTHER.substring(0, 31) + "!";
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Set<String> scanInPieces(byte[] data, int piece) {
        RefScanner s = new RefScanner(Set.of(H1, H2, OTHER));
        for (int off = 0; off < data.length; off += piece) s.update(data, off, Math.min(piece, data.length - off));
        return s.found();
    }

    @Test void findsHashPartsWhateverThePieceSize() {
        byte[] data = sample();
        for (int piece = 1; piece <= data.length; piece++)
            assertEquals(Set.of(H1, H2), scanInPieces(data, piece), "pieces of " + piece);
    }

    @Test void findsHashPartSplitAtEveryPosition() {
        byte[] data = sample();
        for (int cut = 0; cut <= data.length; cut++) {
            RefScanner s = new RefScanner(Set.of(H1, H2, OTHER));
            s.update(data, 0, cut);
            s.update(data, cut, data.length - cut);
            assertEquals(Set.of(H1, H2), s.found(), "cut at " + cut);
        }
    }

    @Test void hashPartsMustBeComplete() {
        byte[] data = OTHER.substring(1).getBytes(StandardCharsets.US_ASCII);
        RefScanner s = new RefScanner(Set.of(OTHER));
        s.update(data, 0, data.length);
        assertEquals(Set.of(), s.found());
    }

    @Test void overlappingNix32RunsAreAllTried() {
        // H1 preceded by more nix32 characters: the scan must not skip past it.
        byte[] data = ("abc" + H1 + "xyz").getBytes(StandardCharsets.US_ASCII);
        RefScanner s = new RefScanner(Set.of(H1));
        s.update(data, 0, data.length);
        assertEquals(Set.of(H1), s.found());
    }

    @Test void rejectsCandidatesThatAreNotHashParts() {
        assertThrows(IllegalArgumentException.class, () -> new RefScanner(Set.of("short")));
        assertThrows(IllegalArgumentException.class, () -> new RefScanner(Set.of("e".repeat(32))));
    }
}
