package org.storelog.narinfo;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.storelog.domain.hash.Hash;

/**
 * A Guix-style signing key: an Ed25519-curve ECDSA scalar, as libgcrypt keeps
 * {@code (private-key (ecc (curve Ed25519) (q #…#) (d #…#)))}. Signs narinfos as
 * {@code guix publish} does ({@code guix/scripts/publish.scm}, {@code narinfo-string}).
 */
public final class GuixSigningKey {
    private final BigInteger d;
    private final GuixPublicKey publicKey;

    private GuixSigningKey(BigInteger d) {
        if (d.signum() <= 0 || d.compareTo(EdwardsEcdsa.N) >= 0) throw new KeyFormatException("secret scalar out of range");
        this.d = d;
        this.publicKey = GuixPublicKey.ofPoint(EdwardsEcdsa.publicPoint(d));
    }

    public static GuixSigningKey generate() {
        SecureRandom rnd = new SecureRandom();
        BigInteger d;
        do d = new BigInteger(256, rnd).mod(EdwardsEcdsa.N); while (d.signum() == 0);
        return new GuixSigningKey(d);
    }

    /** Reads {@code (private-key (ecc (curve Ed25519) … (d #HEX#)))}. */
    public static GuixSigningKey parse(String text) {
        Sexp.SList top = (Sexp.SList) Sexp.parse(text);
        Sexp.SList dl = top.find("d").orElseThrow(() -> new KeyFormatException("private key has no (d …)"));
        return new GuixSigningKey(new BigInteger(1, dl.atom(1).orElseThrow(
                () -> new KeyFormatException("(d …) is empty")).bytes()));
    }

    public GuixPublicKey publicKey() { return publicKey; }

    /** The value of a {@code Signature:} line for {@code text} (the narinfo above that line). */
    public String signatureFor(String text, String host) {
        byte[] hash = Hash.sha256(text.getBytes(StandardCharsets.UTF_8)).bytes();
        BigInteger[] rs = EdwardsEcdsa.sign(hash, d);
        HexFormat hex = HexFormat.of().withUpperCase();
        String sexp = "(signature \n (data \n  (flags rfc6979)\n  (hash sha256 #" + hex.formatHex(hash) + "#)\n  )\n"
                + " (sig-val \n  (ecdsa \n   (r #" + hex.formatHex(unsigned(rs[0])) + "#)\n   (s #"
                + hex.formatHex(unsigned(rs[1])) + "#)\n   )\n  )\n"
                + " (public-key \n  (ecc \n   (curve Ed25519)\n   (q #" + hex.formatHex(publicKey.q()) + "#)\n   )\n  )\n )\n";
        return "1;" + host + ";" + Base64.getEncoder().encodeToString(sexp.getBytes(StandardCharsets.US_ASCII));
    }

    /** Appends a {@code Signature:} line to narinfo text that has none. */
    public String sign(String narinfoText, String host) {
        return narinfoText + "Signature: " + signatureFor(narinfoText, host) + "\n";
    }

    private static byte[] unsigned(BigInteger v) {
        byte[] b = v.toByteArray();
        return b.length > 1 && b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
    }
}
