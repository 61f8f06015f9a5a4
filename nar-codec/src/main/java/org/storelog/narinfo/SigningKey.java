package org.storelog.narinfo;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A Nix secret signing key, {@code NAME:BASE64(64 bytes)} where the 64 bytes are libsodium's
 * secret key (32-byte seed followed by the 32-byte public key), as written by
 * {@code nix-store --generate-binary-cache-key} (Nix's {@code src/libstore/crypto.cc}, {@code SecretKey}).
 */
public final class SigningKey {
    private final String name;
    private final Ed25519PrivateKeyParameters priv;

    private SigningKey(String name, Ed25519PrivateKeyParameters priv) {
        if (name.isEmpty() || name.indexOf(':') >= 0)
            throw new KeyFormatException("key name '" + name + "' must be non-empty and contain no ':'");
        this.name = name;
        this.priv = priv;
    }

    /** A fresh key from the system's secure random source. */
    public static SigningKey generate(String name) {
        return new SigningKey(name, new Ed25519PrivateKeyParameters(new SecureRandom()));
    }

    /** Parses {@code NAME:BASE64(seed ‖ public key)}; surrounding whitespace is ignored. */
    public static SigningKey parse(String s) {
        String t = s.strip();
        int colon = t.indexOf(':');
        if (colon <= 0) throw new KeyFormatException("secret key is not of the form NAME:BASE64");
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(t.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new KeyFormatException("secret key '" + t.substring(0, colon) + "' has invalid base64");
        }
        if (raw.length != 64)
            throw new KeyFormatException("Ed25519 secret key must be 64 bytes, got " + raw.length);
        Ed25519PrivateKeyParameters p = new Ed25519PrivateKeyParameters(raw, 0);
        if (!Arrays.equals(p.generatePublicKey().getEncoded(), Arrays.copyOfRange(raw, 32, 64)))
            throw new KeyFormatException("secret key '" + t.substring(0, colon) + "': its public half does not match its seed");
        return new SigningKey(t.substring(0, colon), p);
    }

    public String name() { return name; }

    public PublicKey publicKey() { return new PublicKey(name, priv.generatePublicKey().getEncoded()); }

    /** {@code NAME:BASE64(seed ‖ public key)}, the secret-key file's content. */
    @Override public String toString() {
        byte[] raw = new byte[64];
        System.arraycopy(priv.getEncoded(), 0, raw, 0, 32);
        System.arraycopy(priv.generatePublicKey().getEncoded(), 0, raw, 32, 32);
        return name + ":" + Base64.getEncoder().encodeToString(raw);
    }

    /** A detached signature of {@code data}: {@code NAME:BASE64(64 bytes)}, as Nix's {@code signDetached}. */
    public String sign(String data) {
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, priv);
        byte[] msg = data.getBytes(StandardCharsets.UTF_8);
        s.update(msg, 0, msg.length);
        return name + ":" + Base64.getEncoder().encodeToString(s.generateSignature());
    }

    /** Signs the narinfo's fingerprint and returns the narinfo with the new {@code Sig:} line. */
    public NarInfo sign(NarInfo info) { return info.withSig(sign(info.fingerprint())); }
}
