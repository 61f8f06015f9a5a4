package org.storelog.narinfo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The "sample Ed25519/ECDSA key" vector of libgcrypt's own test suite ({@code tests/pubkey.c},
 * {@code check_ed25519ecdsa_sample_key}): a key without the eddsa flag, data flagged rfc6979,
 * and the (r, s) libgcrypt produces for it.
 */
class EdwardsEcdsaTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final BigInteger D = new BigInteger("09A0C38E0F1699073541447C19DA12E3A07A7BFDB0C186E4AC5BCE6F23D55252", 16);
    private static final byte[] Q_UNCOMPRESSED = HEX.parseHex("044c056555be4084bb3d8d8895fdf7c2893dfe0256251923053010977d12658321"
            + "156d1addc07987713a418783658b476358d48d582db53233d9ded3c1c2577b04");
    private static final byte[] Q_COMPRESSED = HEX.parseHex("047b57c2c1d3ded93332b52d588dd45863478b658387413a718779c0dd1a6d95");
    private static final byte[] HASH = HEX.parseHex("00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f");
    private static final BigInteger R = new BigInteger("a63123a783ef29b8276e08987daca4655d0179e22199bf63691fd88eb64e15", 16);
    private static final BigInteger S = new BigInteger("0d9b45c696ab90b96b08812b485df185623ddaf5d02fa65ca5056cb6bd0f16f1", 16);

    @Test
    void libgcryptSample_verifiesWithUncompressedAndCompressedQ() {
        EdwardsEcdsa.Point full = EdwardsEcdsa.decodePoint(Q_UNCOMPRESSED);
        assertTrue(EdwardsEcdsa.verify(HASH, R, S, full));
        EdwardsEcdsa.Point comp = EdwardsEcdsa.decodePoint(Q_COMPRESSED);
        assertEquals(full, comp);
        assertTrue(EdwardsEcdsa.verify(HASH, R, S, comp));
        assertArrayEquals(Q_COMPRESSED, full.encode());
        assertEquals(full, EdwardsEcdsa.decodePoint(prefixedCompressed(full)));
        assertFalse(EdwardsEcdsa.verify(HASH, R, S.add(BigInteger.ONE), full));
        assertFalse(EdwardsEcdsa.verify(HASH, R.add(BigInteger.ONE), S, full));
    }

    @Test
    void publicPointOfSampleScalar_isSampleQ() {
        EdwardsEcdsa.Point full = EdwardsEcdsa.decodePoint(Q_UNCOMPRESSED);
        assertEquals(full, EdwardsEcdsa.publicPoint(D));
        assertEquals(full, EdwardsEcdsa.decodePoint(full.encode()));
    }

    @Test
    void ourRfc6979Signature_equalsLibgcrypts() {
        BigInteger[] rs = EdwardsEcdsa.sign(HASH, D);
        assertEquals(R, rs[0]);
        assertEquals(S, rs[1]);
    }

    @Test
    void nonPoints_areRejected() {
        byte[] notOnCurve = Q_UNCOMPRESSED.clone();
        notOnCurve[64] ^= 1;
        assertThrows(KeyFormatException.class, () -> EdwardsEcdsa.decodePoint(notOnCurve));
        assertThrows(KeyFormatException.class, () -> EdwardsEcdsa.decodePoint(new byte[31]));
    }

    private static byte[] prefixedCompressed(EdwardsEcdsa.Point p) {
        byte[] out = new byte[33];
        out[0] = 0x40;
        System.arraycopy(p.encode(), 0, out, 1, 32);
        return out;
    }
}
