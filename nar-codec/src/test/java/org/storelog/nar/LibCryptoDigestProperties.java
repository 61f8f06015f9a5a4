package org.storelog.nar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.storelog.domain.hash.HashAlgorithm;

/**
 * The digests we hash with (libcrypto when the multi-release jar runs on Java 22+, else the
 * JDK) give the same bytes as the JDK's MessageDigest, however the input is split.
 */
class LibCryptoDigestProperties {

    @Example
    void libCryptoIsUsedWhereExpected() {
        // Set by the test run against the packaged multi-release jar (see nar-codec/pom.xml).
        if (!Boolean.getBoolean("storelog.test.expectLibCrypto")) return;
        for (HashAlgorithm a : HashAlgorithm.values()) {
            Digester d = LibCrypto.digester(a);
            assertNotNull(d, () -> a + ": " + LibCrypto.unavailableReason());
            assertTrue(d.isNative());
        }
    }

    @Property(tries = 200)
    void digestEqualsMessageDigestForAnySplit(@ForAll long seed, @ForAll("algorithms") HashAlgorithm algo,
                                              @ForAll @IntRange(max = 300_000) int length) {
        Random rnd = new Random(seed);
        byte[] data = new byte[length];
        rnd.nextBytes(data);
        Digester d = Digester.of(algo);
        int at = 0;
        while (at < length) {
            int n = Math.min(length - at, rnd.nextInt(4) == 0 ? rnd.nextInt(70_000) : rnd.nextInt(130));
            switch (rnd.nextInt(3)) {
                case 0 -> d.update(data, at, n);
                case 1 -> {
                    // A piece of a larger array, at an offset.
                    byte[] wider = new byte[n + 17];
                    System.arraycopy(data, at, wider, 9, n);
                    d.update(wider, 9, n);
                }
                default -> {
                    ByteBuffer bb = ByteBuffer.allocateDirect(n + 5).position(5);
                    bb.put(data, at, n).position(5);
                    d.update(bb);
                    assertEquals(0, bb.remaining());
                }
            }
            at += n;
        }
        assertArrayEquals(algo.newDigest().digest(data), d.finish());
    }

    @Example
    void sha256PadsEveryLengthAroundTheBlockBoundaries() throws Exception {
        // SHA-256 finishes in Java (padding fed through SHA256_Update): lengths 0..300 cover every
        // remainder mod 64, the one-block and two-block paddings (55, 56, 63, 64 bytes and so on).
        Random rnd = new Random(7);
        for (int length = 0; length <= 300; length++) {
            byte[] data = new byte[length];
            rnd.nextBytes(data);
            Digester d = Digester.of(HashAlgorithm.SHA256);
            d.update(data, 0, length / 3);
            d.update(data, length / 3, length - length / 3);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), d.finish(), "length " + length);
        }
    }

    @Property(tries = 100)
    void sinkHashesWhatWasWrittenInOrder(@ForAll long seed, @ForAll @IntRange(max = 2_000_000) int length) throws Exception {
        Random rnd = new Random(seed);
        byte[] data = new byte[length];
        rnd.nextBytes(data);
        NarDigestSink sink = new NarDigestSink(HashAlgorithm.SHA256, Set.of(), null);
        int at = 0;
        while (at < length) {
            int n = Math.min(length - at, switch (rnd.nextInt(3)) {
                case 0 -> rnd.nextInt(40);
                case 1 -> rnd.nextInt(40_000);
                default -> rnd.nextInt(600_000);
            });
            if (rnd.nextBoolean()) {
                sink.write(data, at, n);
            } else {
                ByteBuffer bb = ByteBuffer.allocateDirect(n).put(data, at, n).flip();
                sink.write(bb);
            }
            at += n;
        }
        NarDigest d = sink.result();
        assertEquals(length, d.narSize());
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), d.narHash().bytes());
    }

    @Property(tries = 12)
    void hashFileEqualsMessageDigest(@ForAll long seed) throws Exception {
        Random rnd = new Random(seed);
        // Around the read-ahead buffer size and its multiples, where pieces end.
        int[] sizes = {0, 1, ContentReader.CHUNK, ContentReader.CHUNK + 1, PipelinedRead.BUFFER - 1,
                PipelinedRead.BUFFER, PipelinedRead.BUFFER + 1, 3 * PipelinedRead.BUFFER + 4097, 5_000_000};
        byte[] data = new byte[sizes[rnd.nextInt(sizes.length)]];
        rnd.nextBytes(data);
        Path f = Files.createTempFile("hash-file", ".bin");
        try {
            Files.write(f, data);
            for (HashAlgorithm algo : new HashAlgorithm[] {HashAlgorithm.SHA256, HashAlgorithm.SHA512}) {
                assertArrayEquals(algo.newDigest().digest(data), NarHasher.hashFile(f, algo).bytes(), algo.toString());
            }
        } finally {
            Files.delete(f);
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<HashAlgorithm> algorithms() {
        return net.jqwik.api.Arbitraries.of(HashAlgorithm.class);
    }
}
