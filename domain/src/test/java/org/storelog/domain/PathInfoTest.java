package org.storelog.domain;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.store.StorePath;

class PathInfoTest {
    private static final StorePath P = StorePath.fromBaseName("q1pgl82n7yz0dhxlxk8nn0wqkqz3q3l6-hello");
    private static final StorePath BB = StorePath.fromBaseName("r9zgkzc5zab416qddj283jlsvp18ydzr-busybox-static");
    private static final Hash NAR = Hash.sha256(new byte[] {1});

    @Test
    void references_areSortedAndUnmodifiable() {
        PathInfo i = new PathInfo(P, NAR, 120, Set.of(P, BB), Optional.empty(), 0, List.of(), Optional.empty());
        assertEquals(List.of(P, BB), List.copyOf(i.references()));
        assertTrue(i.selfReferencing());
        assertThrows(UnsupportedOperationException.class, () -> i.references().add(BB));
    }

    @Test
    void withSignature_addsOnce() {
        PathInfo i = new PathInfo(P, NAR, 120, Set.of(), Optional.empty(), 0, List.of(), Optional.empty());
        PathInfo s = i.withSignature("cache.example.org-1:abc").withSignature("cache.example.org-1:abc");
        assertEquals(List.of("cache.example.org-1:abc"), s.signatures());
        assertFalse(s.selfReferencing());
    }

    @Test
    void negativeNarSize_isRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new PathInfo(P, NAR, -1, Set.of(), Optional.empty(), 0, List.of(), Optional.empty()));
    }
}
