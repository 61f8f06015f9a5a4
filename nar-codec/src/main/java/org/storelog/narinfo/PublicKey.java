package org.storelog.narinfo;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A Nix public signing key, {@code NAME:BASE64(32-byte Ed25519 key)}, as Nix's
 * {@code src/libstore/crypto.cc} ({@code PublicKey}) reads it, e.g. from {@code trusted-public-keys}.
 */
public final class PublicKey {
    private final String name;
    private final byte[] key;

    public PublicKey(String name, byte[] key) {
        if (name.isEmpty() || name.indexOf(':') >= 0)
            throw new KeyFormatException("key name '" + name + "' must be non-empty and contain no ':'");
        if (key.length != 32) throw new KeyFormatException("Ed25519 public key must be 32 bytes, got " + key.length);
        this.name = name;
        this.key = key.clone();
    }

    /** Parses {@code NAME:BASE64}; surrounding whitespace is ignored. */
    public static PublicKey parse(String s) {
        String t = s.strip();
        int colon = t.indexOf(':');
        if (colon <= 0) throw new KeyFormatException("public key '" + t + "' is not of the form NAME:BASE64");
        byte[] k;
        try {
            k = Base64.getDecoder().decode(t.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new KeyFormatException("public key '" + t.substring(0, colon) + "' has invalid base64: " + e.getMessage());
        }
        return new PublicKey(t.substring(0, colon), k);
    }

    public String name() { return name; }
    public byte[] bytes() { return key.clone(); }

    /** {@code NAME:BASE64}, as Nix prints it. */
    @Override public String toString() { return name + ":" + Base64.getEncoder().encodeToString(key); }

    /**
     * Checks a detached signature {@code NAME:BASE64(64 bytes)} of {@code data}; false when the
     * name is another key's or the signature does not verify (as Nix's {@code verifyDetached}).
     */
    public boolean verify(String data, String sig) {
        int colon = sig.indexOf(':');
        if (colon < 0 || !sig.substring(0, colon).equals(name)) return false;
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(sig.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (raw.length != 64) return false;
        Ed25519Signer v = new Ed25519Signer();
        v.init(false, new Ed25519PublicKeyParameters(key, 0));
        byte[] msg = data.getBytes(StandardCharsets.UTF_8);
        v.update(msg, 0, msg.length);
        return v.verifySignature(raw);
    }

    @Override public boolean equals(Object o) {
        return o instanceof PublicKey p && p.name.equals(name) && Arrays.equals(p.key, key);
    }

    @Override public int hashCode() { return name.hashCode() * 31 + Arrays.hashCode(key); }
}
