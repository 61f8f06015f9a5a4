package org.storelog.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.storelog.domain.hash.Hash;
import org.storelog.testsupport.ExternalTools;

class ZstdTest {
    private static byte[] sample() {
        byte[] b = new byte[300_000];
        Random r = new Random(42);
        for (int i = 0; i < b.length; i++) b[i] = (byte) (r.nextInt(16) + 'a');
        return b;
    }

    @Test
    void roundTrip_restoresBytes() {
        byte[] data = sample();
        byte[] z = Zstd.compress(data, Zstd.DEFAULT_LEVEL);
        assertArrayEquals(data, Zstd.decompress(z));
        assertArrayEquals(new byte[0], Zstd.decompress(Zstd.compress(new byte[0], 19)));
    }

    @Test
    void concatenatedFrames_decompressToConcatenation() {
        byte[] a = "first frame ".getBytes(), b = "second frame".getBytes();
        byte[] za = Zstd.compress(a, 3), zb = Zstd.compress(b, 3);
        byte[] both = Arrays.copyOf(za, za.length + zb.length);
        System.arraycopy(zb, 0, both, za.length, zb.length);
        assertArrayEquals("first frame second frame".getBytes(), Zstd.decompress(both));
    }

    @Test
    void truncatedStream_fails() {
        byte[] z = Zstd.compress(sample(), 3);
        assertThrows(UncheckedIOException.class, () -> Zstd.decompress(Arrays.copyOf(z, z.length / 2)));
    }

    @Test
    void zstdCommand_decompressesOurs_andWeDecompressItsOutput() {
        String zstd = ExternalTools.require("zstd");
        byte[] data = sample();
        var theirsOfOurs = ExternalTools.run(List.of(zstd, "-d", "-c"), null, Map.of(), Zstd.compress(data, 3)).ok();
        assertArrayEquals(data, theirsOfOurs.stdout());
        var theirs = ExternalTools.run(List.of(zstd, "-c", "-19"), null, Map.of(), data).ok();
        assertArrayEquals(data, Zstd.decompress(theirs.stdout()));
    }

    @Test
    void nixWrittenNarZst_decompressesToItsNarHash() throws IOException {
        byte[] z;
        try (InputStream in = getClass().getResourceAsStream(
                "/golden/narinfo/nix/signed-zstd/1c9ccwd7ak7hfq144sd362zs2041gwl1gcp3vgcxv7gjq5p3l137.nar.zst")) {
            z = in.readAllBytes();
        }
        assertEquals(Hash.parse("sha256:1c9ccwd7ak7hfq144sd362zs2041gwl1gcp3vgcxv7gjq5p3l137"), Hash.sha256(z));
        byte[] nar = Zstd.decompress(z);
        assertEquals(120, nar.length);
        assertEquals(Hash.parse("sha256:0sg9f58l1jj88w6pdrfdpj5x9b1zrwszk84j81zvby36q9whhhqa"), Hash.sha256(nar));
    }
}
