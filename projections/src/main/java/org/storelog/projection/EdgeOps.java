package org.storelog.projection;

import java.util.Arrays;

/**
 * Net effect of one transaction on the referrers DBI: edge (to, from) → added or removed, the last
 * operation on an edge winning. Primitive open addressing on {@code to << 32 | from} (ids stay
 * below 2^32), so a fold of many edges makes no objects per edge.
 */
final class EdgeOps {
    private static final long EMPTY = -1L;
    private long[] keys = new long[1 << 12];
    private boolean[] adds = new boolean[1 << 12];
    private int size;

    EdgeOps() { Arrays.fill(keys, EMPTY); }

    static long key(long to, long from) {
        if ((to | from) >>> 32 != 0) throw new ProjectionException("path id beyond 2^32", -1);
        return to << 32 | from;
    }

    void put(long to, long from, boolean add) {
        if (size * 2 >= keys.length) grow();
        long k = key(to, from);
        int i = slot(keys, k);
        if (keys[i] == EMPTY) { keys[i] = k; size++; }
        adds[i] = add;
    }

    boolean isEmpty() { return size == 0; }

    /** The edges in (to, from) order, each as {@code to << 32 | from}. */
    long[] sortedKeys() {
        long[] out = new long[size];
        int n = 0;
        for (long k : keys) if (k != EMPTY) out[n++] = k;
        Arrays.sort(out);
        return out;
    }

    boolean isAdd(long key) { return adds[slot(keys, key)]; }

    private static int slot(long[] keys, long k) {
        int mask = keys.length - 1;
        int i = (int) (mix(k) & mask);
        while (keys[i] != EMPTY && keys[i] != k) i = (i + 1) & mask;
        return i;
    }

    private static long mix(long k) {
        k *= 0x9E3779B97F4A7C15L;
        return k ^ (k >>> 29);
    }

    private void grow() {
        long[] oldKeys = keys;
        boolean[] oldAdds = adds;
        keys = new long[oldKeys.length * 2];
        adds = new boolean[keys.length];
        Arrays.fill(keys, EMPTY);
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] == EMPTY) continue;
            int i = slot(keys, oldKeys[j]);
            keys[i] = oldKeys[j];
            adds[i] = oldAdds[j];
        }
    }
}
