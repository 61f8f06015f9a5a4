package org.storelog.projection;

import java.util.Arrays;

/**
 * Paths to dense indices (0, 1, 2, … in order of first appearance), for the bulk fold, which looks
 * up every path and reference of a replay (six million lookups for a million paths). Open
 * addressing over parallel arrays: a probe compares the cached hash in an int array before it
 * touches a String, so a lookup costs about two cache misses instead of HashMap's node, key and
 * boxed value.
 */
final class PathTable {
    private String[] names = new String[1024];
    private int size;
    private int[] slotHash = new int[2048];
    private int[] slotIndex = new int[2048]; // index + 1; 0 = empty slot

    int size() { return size; }

    String name(int index) { return names[index]; }

    /** The index of {@code path}, added at the end if it is new. */
    int intern(String path) {
        int h = spread(path.hashCode());
        int mask = slotIndex.length - 1;
        for (int s = h & mask; ; s = (s + 1) & mask) {
            int at = slotIndex[s];
            if (at == 0) {
                if (size == names.length) names = Arrays.copyOf(names, size * 2);
                names[size] = path;
                slotHash[s] = h;
                slotIndex[s] = ++size;
                if (size * 2 > slotIndex.length) rehash();
                return size - 1;
            }
            if (slotHash[s] == h && names[at - 1].equals(path)) return at - 1;
        }
    }

    private void rehash() {
        int[] hashes = new int[slotIndex.length * 2], indices = new int[slotIndex.length * 2];
        int mask = indices.length - 1;
        for (int s = 0; s < slotIndex.length; s++) {
            if (slotIndex[s] == 0) continue;
            int t = slotHash[s] & mask;
            while (indices[t] != 0) t = (t + 1) & mask;
            hashes[t] = slotHash[s];
            indices[t] = slotIndex[s];
        }
        slotHash = hashes;
        slotIndex = indices;
    }

    /** Store paths share a long prefix; mix the high bits of String's hash into the low ones. */
    private static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
