package org.storelog.projection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class KeyOrderProperties {

    /** Arbitrary bytes: shared prefixes, keys that are prefixes of others, 0x00 and 0xFF bytes, duplicates. */
    @Provide
    Arbitrary<List<byte[]>> keySets() {
        Arbitrary<Byte> b = Arbitraries.oneOf(Arbitraries.of((byte) 0, (byte) 1, (byte) 0x7F, (byte) 0x80, (byte) 0xFF),
                Arbitraries.bytes());
        Arbitrary<byte[]> tail = b.array(byte[].class).ofMaxSize(12);
        Arbitrary<byte[]> prefix = Arbitraries.of("", "/nix/store/", "/gnu/store/abcdefgh").map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> key = prefix.flatMap(p -> tail.map(t -> concat(p, t)));
        return key.list().ofMaxSize(300);
    }

    @Property(tries = 400)
    void ordersKeysAsLmdbComparesThem(@ForAll("keySets") List<byte[]> keys) {
        byte[][] k = keys.toArray(new byte[0][]);
        assertArrayEquals(reference(k), KeyOrder.sorted(k));
    }

    @Test
    void breaksLongTiesByTheWholeKey() {
        // 100 keys equal in their first 20 bytes after the prefix: one run, sorted in full
        byte[][] k = IntStream.range(0, 100)
                .mapToObj(i -> ("/nix/store/aaaaaaaaaaaaaaaaaaaa" + (char) ('z' - i % 26) + i).getBytes(StandardCharsets.UTF_8))
                .toArray(byte[][]::new);
        assertArrayEquals(reference(k), KeyOrder.sorted(k));
    }

    private static int[] reference(byte[][] k) {
        return IntStream.range(0, k.length).boxed()
                .sorted((a, c) -> Arrays.compareUnsigned(k[a], k[c])) // stable: equal keys keep index order
                .mapToInt(Integer::intValue).toArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
