package org.storelog.nar;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import org.storelog.domain.hash.NixBase32;

/**
 * Finds which candidate store path hash parts (32 nix32 characters) occur in a byte stream fed
 * in arbitrary pieces, including occurrences split between pieces. Mirrors {@code RefScanSink}
 * in Nix's {@code src/libstore/references.cc}: a window of 32 characters is tested only when all
 * of them are nix32 digits, and the scan jumps past any character that is not one.
 */
public final class RefScanner {
    public static final int HASH_LEN = 32;
    private static final boolean[] NIX32 = new boolean[256];

    static {
        for (char c : NixBase32.ALPHABET.toCharArray()) NIX32[c] = true;
    }

    private final Set<String> pending;
    private final Set<String> found = new HashSet<>();
    /** The last HASH_LEN - 1 bytes seen, for matches that span two pieces. */
    private final byte[] tail = new byte[HASH_LEN - 1];
    private int tailLen;
    private final byte[] seam = new byte[2 * (HASH_LEN - 1)];

    public RefScanner(Set<String> candidateHashParts) {
        for (String h : candidateHashParts)
            if (h.length() != HASH_LEN || !NixBase32.isValid(h))
                throw new IllegalArgumentException("not a store path hash part: '" + h + "'");
        this.pending = new HashSet<>(candidateHashParts);
    }

    /** True once every candidate has been found (feeding more changes nothing). */
    public boolean done() { return pending.isEmpty(); }

    public void update(byte[] b, int off, int len) {
        if (pending.isEmpty() || len == 0) return;
        // Windows that start in the tail and end in this piece.
        int head = Math.min(len, HASH_LEN - 1);
        System.arraycopy(tail, 0, seam, 0, tailLen);
        System.arraycopy(b, off, seam, tailLen, head);
        search(seam, 0, tailLen + head);
        search(b, off, len);
        // Keep the last HASH_LEN - 1 bytes of tail ++ piece.
        if (len >= HASH_LEN - 1) {
            System.arraycopy(b, off + len - (HASH_LEN - 1), tail, 0, HASH_LEN - 1);
            tailLen = HASH_LEN - 1;
        } else {
            int keep = Math.min(tailLen + len, HASH_LEN - 1);
            int fromSeam = tailLen + head - keep;
            System.arraycopy(seam, fromSeam, tail, 0, keep);
            tailLen = keep;
        }
    }

    private void search(byte[] s, int off, int len) {
        int end = off + len;
        int i = off;
        outer:
        while (i + HASH_LEN <= end) {
            for (int j = i + HASH_LEN - 1; j >= i; j--) {
                if (!NIX32[s[j] & 0xff]) {
                    i = j + 1;
                    continue outer;
                }
            }
            String h = new String(s, i, HASH_LEN, StandardCharsets.ISO_8859_1);
            if (pending.remove(h)) {
                found.add(h);
                if (pending.isEmpty()) return;
            }
            i++;
        }
    }

    /** The candidates seen so far. */
    public Set<String> found() { return Collections.unmodifiableSet(found); }
}
