package org.storelog.log.checkpoint;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Ed25519 keys in Nix's text form (as {@code src/libutil/signature/local-keys.cc} and
 * {@code nix-store --generate-binary-cache-key} write them): {@code name:base64}, where a secret
 * key is the 64 bytes seed‖public key and a public key the 32 bytes; a signature is
 * {@code name:base64(64 bytes)}.
 */
public final class NixKeys {
    private NixKeys() {}

    /** A secret key. */
    public record SecretKey(String name, byte[] seed, byte[] publicKey) {
        public static SecretKey parse(String text) {
            NameAndBytes nb = NameAndBytes.parse(text.strip(), 64, "secret key");
            return new SecretKey(nb.name, Arrays.copyOf(nb.bytes, 32), Arrays.copyOfRange(nb.bytes, 32, 64));
        }

        public static SecretKey generate(String name) {
            Ed25519PrivateKeyParameters k = new Ed25519PrivateKeyParameters(new SecureRandom());
            return new SecretKey(name, k.getEncoded(), k.generatePublicKey().getEncoded());
        }

        public PublicKey toPublic() { return new PublicKey(name, publicKey.clone()); }

        /** {@code name:base64(signature)} over {@code message}. */
        public String sign(String message) {
            Ed25519Signer s = new Ed25519Signer();
            s.init(true, new Ed25519PrivateKeyParameters(seed, 0));
            byte[] m = message.getBytes(StandardCharsets.UTF_8);
            s.update(m, 0, m.length);
            return name + ":" + Base64.getEncoder().encodeToString(s.generateSignature());
        }

        @Override public String toString() {
            byte[] all = new byte[64];
            System.arraycopy(seed, 0, all, 0, 32);
            System.arraycopy(publicKey, 0, all, 32, 32);
            return name + ":" + Base64.getEncoder().encodeToString(all);
        }
    }

    /** A public key. */
    public record PublicKey(String name, byte[] key) {
        public static PublicKey parse(String text) {
            NameAndBytes nb = NameAndBytes.parse(text.strip(), 32, "public key");
            return new PublicKey(nb.name, nb.bytes);
        }

        /** Whether {@code signature} ({@code name:base64}) is this key's signature of {@code message}. */
        public boolean verify(String message, String signature) {
            NameAndBytes sig = NameAndBytes.parse(signature, 64, "signature");
            if (!sig.name.equals(name)) return false;
            Ed25519Signer s = new Ed25519Signer();
            s.init(false, new Ed25519PublicKeyParameters(key, 0));
            byte[] m = message.getBytes(StandardCharsets.UTF_8);
            s.update(m, 0, m.length);
            return s.verifySignature(sig.bytes);
        }

        @Override public String toString() { return name + ":" + Base64.getEncoder().encodeToString(key); }
    }

    /** Key name of a {@code name:base64} string. */
    public static String nameOf(String text) { return NameAndBytes.parse(text, -1, "signature").name; }

    private record NameAndBytes(String name, byte[] bytes) {
        static NameAndBytes parse(String text, int size, String what) {
            int colon = text.indexOf(':');
            if (colon <= 0) throw new KeyFormatException(what + " must be name:base64", Math.max(colon, 0));
            byte[] b;
            try {
                b = Base64.getDecoder().decode(text.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new KeyFormatException(what + " is not valid base64: " + e.getMessage(), colon + 1);
            }
            if (size >= 0 && b.length != size)
                throw new KeyFormatException(what + " must be " + size + " bytes, got " + b.length, colon + 1);
            return new NameAndBytes(text.substring(0, colon), b);
        }
    }
}
