package org.storelog.narinfo;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;

/**
 * ECDSA over the Ed25519 curve, the way libgcrypt computes it when an Ed25519 key lacks the
 * {@code eddsa} flag — which is how Guix's keys ({@code (genkey (ecdsa (curve Ed25519) (flags rfc6979)))}
 * in {@code guix/scripts/archive.scm}) sign narinfos. Mirrors libgcrypt's {@code cipher/ecc-ecdsa.c}
 * and {@code cipher/dsa-common.c} ({@code _gcry_dsa_normalize_hash}):
 * <ul>
 * <li>the hash, as a big-endian integer of {@code 8·len} bits, is shifted right until it has no
 *     more bits than the group order n (253 bits for Ed25519: a SHA-256 loses its 3 low bits);</li>
 * <li>{@code r = x(k·G) mod n} with {@code x} the <em>twisted Edwards</em> affine x coordinate,
 *     {@code s = k⁻¹(e + d·r) mod n};</li>
 * <li>verification: {@code w = s⁻¹}, {@code R = (e·w)·G + (r·w)·Q}, accept iff {@code x(R) mod n = r}.</li>
 * </ul>
 * The group arithmetic is BouncyCastle's Curve25519 in short Weierstrass form, reached through the
 * birational map {@code u = (1+y)/(1−y)}, {@code v = c·u/x} ({@code c² = −486664}),
 * {@code X = u + 486662/3}, {@code Y = v}; the map is a group isomorphism, so Edwards x
 * coordinates are read back through its inverse.
 */
public final class EdwardsEcdsa {
    private static final X9ECParameters W = CustomNamedCurves.getByName("curve25519");
    private static final ECCurve CURVE = W.getCurve();
    /** The field prime 2^255 − 19. */
    public static final BigInteger P = CURVE.getField().getCharacteristic();
    /** The order of the base point, 2^252 + 27742317777372353535851937790883648493. */
    public static final BigInteger N = W.getN();
    private static final BigInteger D = BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    private static final BigInteger A_THIRD = BigInteger.valueOf(486662).multiply(BigInteger.valueOf(3).modInverse(P)).mod(P);
    private static final BigInteger SQRT_M1 = BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);
    private static final BigInteger C = sqrt(BigInteger.valueOf(-486664).mod(P));
    /** The Ed25519 base point: y = 4/5, x even. */
    static final Point G;

    static {
        BigInteger gy = BigInteger.valueOf(4).multiply(BigInteger.valueOf(5).modInverse(P)).mod(P);
        G = new Point(recoverX(gy, 0), gy);
    }

    private EdwardsEcdsa() {}

    /** An affine point of the twisted Edwards curve −x² + y² = 1 + d·x²·y². */
    public record Point(BigInteger x, BigInteger y) {
        public boolean onCurve() {
            BigInteger x2 = x.multiply(x).mod(P), y2 = y.multiply(y).mod(P);
            return y2.subtract(x2).subtract(BigInteger.ONE).subtract(D.multiply(x2).multiply(y2)).mod(P).signum() == 0;
        }

        /** RFC 8032 encoding: y little-endian with the low bit of x in the top bit. */
        public byte[] encode() {
            byte[] be = y.toByteArray();
            byte[] le = new byte[32];
            for (int i = 0; i < be.length && i < 32; i++) le[i] = be[be.length - 1 - i];
            if (x.testBit(0)) le[31] |= (byte) 0x80;
            return le;
        }
    }

    /**
     * Decodes a point as libgcrypt's {@code _gcry_ecc_eddsa_decodepoint} does: 32 bytes
     * (RFC 8032), 33 bytes starting 0x40 (the prefix dropped), or 65 bytes starting 0x04
     * (big-endian x then y).
     *
     * @throws KeyFormatException if the bytes are not a point of the curve
     */
    public static Point decodePoint(byte[] q) {
        byte[] b = q;
        if (b.length == 65 && b[0] == 0x04) {
            Point p = new Point(new BigInteger(1, Arrays.copyOfRange(b, 1, 33)), new BigInteger(1, Arrays.copyOfRange(b, 33, 65)));
            if (p.x().compareTo(P) >= 0 || p.y().compareTo(P) >= 0 || !p.onCurve())
                throw new KeyFormatException("uncompressed point is not on the Ed25519 curve");
            return p;
        }
        if (b.length == 33 && b[0] == 0x40) b = Arrays.copyOfRange(b, 1, 33);
        if (b.length != 32) throw new KeyFormatException("Ed25519 point must be 32 bytes (or 0x40/0x04-prefixed), got " + q.length);
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) be[i] = b[31 - i];
        int sign = (be[0] >> 7) & 1;
        be[0] &= 0x7f;
        BigInteger y = new BigInteger(1, be);
        if (y.compareTo(P) >= 0) throw new KeyFormatException("Ed25519 point's y is not reduced");
        BigInteger x = recoverX(y, sign);
        if (x == null) throw new KeyFormatException("bytes are not an Ed25519 point");
        return new Point(x, y);
    }

    private static BigInteger recoverX(BigInteger y, int sign) {
        BigInteger y2 = y.multiply(y).mod(P);
        BigInteger xx = y2.subtract(BigInteger.ONE).multiply(D.multiply(y2).add(BigInteger.ONE).modInverse(P)).mod(P);
        BigInteger x = sqrt(xx);
        if (x == null) return null;
        if (x.signum() == 0 && sign == 1) return null;
        if (x.testBit(0) != (sign == 1)) x = P.subtract(x);
        return x;
    }

    /** Square root mod P (P ≡ 5 mod 8), or null when there is none. */
    private static BigInteger sqrt(BigInteger a) {
        BigInteger x = a.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
        if (x.multiply(x).subtract(a).mod(P).signum() != 0) x = x.multiply(SQRT_M1).mod(P);
        return x.multiply(x).subtract(a).mod(P).signum() == 0 ? x : null;
    }

    private static ECPoint toWeierstrass(Point e) {
        if (e.y().equals(BigInteger.ONE) && e.x().signum() == 0) return CURVE.getInfinity();
        BigInteger u = BigInteger.ONE.add(e.y()).multiply(BigInteger.ONE.subtract(e.y()).mod(P).modInverse(P)).mod(P);
        BigInteger v = e.x().signum() == 0 ? BigInteger.ZERO : C.multiply(u).multiply(e.x().modInverse(P)).mod(P);
        return CURVE.createPoint(u.add(A_THIRD).mod(P), v);
    }

    /** The Edwards affine x of a Weierstrass point, or null for the identity. */
    private static BigInteger edwardsX(ECPoint w) {
        ECPoint n = w.normalize();
        if (n.isInfinity()) return null;
        BigInteger v = n.getAffineYCoord().toBigInteger();
        if (v.signum() == 0) return BigInteger.ZERO;
        BigInteger u = n.getAffineXCoord().toBigInteger().subtract(A_THIRD).mod(P);
        return C.multiply(u).multiply(v.modInverse(P)).mod(P);
    }

    /** libgcrypt's {@code _gcry_dsa_normalize_hash}: keep the leftmost bits(n) bits of the hash. */
    static BigInteger hashToInteger(byte[] hash) {
        BigInteger e = new BigInteger(1, hash);
        int abits = hash.length * 8, qbits = N.bitLength();
        return abits > qbits ? e.shiftRight(abits - qbits) : e;
    }

    /** Verifies the ECDSA signature {@code (r, s)} of {@code hash} under public point {@code q}. */
    public static boolean verify(byte[] hash, BigInteger r, BigInteger s, Point q) {
        if (r.signum() <= 0 || r.compareTo(N) >= 0 || s.signum() <= 0 || s.compareTo(N) >= 0) return false;
        BigInteger e = hashToInteger(hash);
        BigInteger w = s.modInverse(N);
        ECPoint rp = toWeierstrass(G).multiply(e.multiply(w).mod(N))
                .add(toWeierstrass(q).multiply(r.multiply(w).mod(N)));
        BigInteger x = edwardsX(rp);
        return x != null && x.mod(N).equals(r);
    }

    /** The public point d·G of a secret scalar. */
    public static Point publicPoint(BigInteger d) {
        ECPoint w = toWeierstrass(G).multiply(d.mod(N)).normalize();
        BigInteger u = w.getAffineXCoord().toBigInteger().subtract(A_THIRD).mod(P);
        BigInteger y = u.subtract(BigInteger.ONE).multiply(u.add(BigInteger.ONE).modInverse(P)).mod(P);
        return new Point(edwardsX(w), y);
    }

    /** Signs with deterministic k (RFC 6979 over SHA-256, as libgcrypt's {@code rfc6979} flag); returns {r, s}. */
    public static BigInteger[] sign(byte[] hash, BigInteger d) {
        BigInteger e = hashToInteger(hash);
        HMacDSAKCalculator kc = new HMacDSAKCalculator(new SHA256Digest());
        kc.init(N, d, hash);
        while (true) {
            BigInteger k = kc.nextK();
            BigInteger x = edwardsX(toWeierstrass(G).multiply(k));
            if (x == null) continue;
            BigInteger r = x.mod(N);
            if (r.signum() == 0) continue;
            BigInteger s = k.modInverse(N).multiply(e.add(d.multiply(r))).mod(N);
            if (s.signum() != 0) return new BigInteger[] {r, s};
        }
    }
}
