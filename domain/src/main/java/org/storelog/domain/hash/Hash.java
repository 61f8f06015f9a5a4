package org.storelog.domain.hash;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A digest with its algorithm; prints and parses every form Nix knows (mirrors
 * {@code src/libutil/hash.cc}): base16, nix32, base64, and SRI ({@code sha256-BASE64}),
 * with or without the {@code algo:} prefix.
 */
public final class Hash {
    private final HashAlgorithm algorithm;
    private final byte[] bytes;

    public Hash(HashAlgorithm algorithm, byte[] bytes) {
        if (bytes.length != algorithm.size())
            throw new IllegalArgumentException(algorithm + " digest must be " + algorithm.size()
                    + " bytes, got " + bytes.length);
        this.algorithm = algorithm;
        this.bytes = bytes.clone();
    }

    public static Hash of(HashAlgorithm algorithm, byte[] data) {
        return new Hash(algorithm, algorithm.newDigest().digest(data));
    }

    public static Hash sha256(byte[] data) { return of(HashAlgorithm.SHA256, data); }

    public HashAlgorithm algorithm() { return algorithm; }
    public byte[] bytes() { return bytes.clone(); }

    public String toBase16() { return HexFormat.of().formatHex(bytes); }
    public String toNix32() { return NixBase32.encode(bytes); }
    public String toBase64() { return Base64.getEncoder().encodeToString(bytes); }
    public String toSri() { return algorithm.nixName() + "-" + toBase64(); }

    /** {@code sha256:<nix32>} — the form narinfos and {@code nix path-info} use. */
    public String toPrefixedNix32() { return algorithm.nixName() + ":" + toNix32(); }
    public String toPrefixedBase16() { return algorithm.nixName() + ":" + toBase16(); }

    /**
     * Parses {@code algo:digest}, {@code algo-base64} (SRI), or a bare digest when
     * {@code defaultAlgorithm} is given. The digest's encoding is told by its length, as Nix does.
     */
    public static Hash parse(String s, HashAlgorithm defaultAlgorithm) {
        int colon = s.indexOf(':');
        if (colon >= 0) return parseDigest(HashAlgorithm.parse(s.substring(0, colon)), s.substring(colon + 1), s);
        int dash = s.indexOf('-');
        if (dash >= 0) {
            HashAlgorithm a = HashAlgorithm.parse(s.substring(0, dash));
            String b64 = s.substring(dash + 1);
            if (b64.length() != a.base64Length())
                throw new IllegalArgumentException("SRI hash '" + s + "' has the wrong length for " + a);
            return parseBase64(a, b64, s);
        }
        if (defaultAlgorithm == null)
            throw new IllegalArgumentException("hash '" + s + "' does not say its algorithm (write it as sha256:…)");
        return parseDigest(defaultAlgorithm, s, s);
    }

    /** Parses any prefixed or SRI form. */
    public static Hash parse(String s) { return parse(s, null); }

    private static Hash parseDigest(HashAlgorithm a, String d, String whole) {
        if (d.length() == a.base16Length()) {
            try {
                return new Hash(a, HexFormat.of().parseHex(d.toLowerCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid base16 hash '" + whole + "': " + e.getMessage());
            }
        }
        if (d.length() == a.nix32Length()) {
            try {
                return new Hash(a, NixBase32.decode(d, a.size()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid nix32 hash '" + whole + "': " + e.getMessage());
            }
        }
        if (d.length() == a.base64Length()) return parseBase64(a, d, whole);
        throw new IllegalArgumentException("hash '" + whole + "' has wrong length for hash type '" + a + "'");
    }

    private static Hash parseBase64(HashAlgorithm a, String d, String whole) {
        try {
            return new Hash(a, Base64.getDecoder().decode(d));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid base64 hash '" + whole + "': " + e.getMessage());
        }
    }

    /** Nix's {@code compressHash}: XOR-fold the digest into {@code size} bytes. */
    public byte[] compress(int size) {
        byte[] out = new byte[size];
        for (int i = 0; i < bytes.length; i++) out[i % size] ^= bytes[i];
        return out;
    }

    @Override public boolean equals(Object o) {
        return o instanceof Hash h && h.algorithm == algorithm && Arrays.equals(h.bytes, bytes);
    }

    @Override public int hashCode() { return algorithm.hashCode() * 31 + Arrays.hashCode(bytes); }

    @Override public String toString() { return toPrefixedNix32(); }
}
