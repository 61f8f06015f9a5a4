package org.storelog.domain.hash;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/** The hash algorithms Nix accepts in store paths, narinfos and fixed-output derivations. */
public enum HashAlgorithm {
    MD5("md5", "MD5", 16),
    SHA1("sha1", "SHA-1", 20),
    SHA256("sha256", "SHA-256", 32),
    SHA512("sha512", "SHA-512", 64);

    private final String nixName;
    private final String jcaName;
    private final int size;

    HashAlgorithm(String nixName, String jcaName, int size) {
        this.nixName = nixName;
        this.jcaName = jcaName;
        this.size = size;
    }

    /** Name as Nix prints it: {@code sha256}. */
    public String nixName() { return nixName; }

    /** Digest size in bytes. */
    public int size() { return size; }

    public int base16Length() { return size * 2; }
    public int nix32Length() { return NixBase32.encodedLength(size); }
    public int base64Length() { return ((size + 2) / 3) * 4; }

    public MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks " + jcaName, e);
        }
    }

    public static HashAlgorithm parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "md5" -> MD5;
            case "sha1" -> SHA1;
            case "sha256" -> SHA256;
            case "sha512" -> SHA512;
            default -> throw new IllegalArgumentException("unknown hash algorithm '" + name
                    + "' (expected md5, sha1, sha256 or sha512)");
        };
    }

    @Override public String toString() { return nixName; }
}
