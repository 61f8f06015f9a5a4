package org.storelog.narinfo;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * A Guix narinfo signature, the value of {@code Signature: 1;HOST;BASE64} (Guix's
 * {@code guix/scripts/publish.scm}, {@code narinfo-string}/{@code signed-string}; read back by
 * {@code guix/narinfo.scm}, {@code narinfo-signature->canonical-sexp}). BASE64 holds the
 * s-expression guile-gcrypt's {@code sign} returns, completed by {@code guix/pki.scm}'s
 * {@code signature-sexp}:
 * <pre>
 * (signature
 *  (data (flags rfc6979) (hash sha256 #SHA256-OF-THE-TEXT-ABOVE#))
 *  (sig-val (ecdsa (r #…#) (s #…#)))
 *  (public-key (ecc (curve Ed25519) (q #…#))))
 * </pre>
 *
 * @param host     the signing host, as Guix's {@code gethostname}
 * @param hashAlgo the data's hash algorithm, {@code sha256}
 * @param hash     the signed hash
 * @param scheme   the {@code sig-val} scheme: {@code ecdsa} (what Guix keys produce)
 * @param signer   the signer's public key embedded in the signature
 */
public record GuixSignature(String host, String hashAlgo, byte[] hash, String scheme,
                            BigInteger r, BigInteger s, GuixPublicKey signer) {

    /** Parses the {@code Signature:} value. */
    public static GuixSignature parse(String value) {
        String[] parts = value.split(";", 3);
        if (parts.length != 3) throw new KeyFormatException("signature is not of the form VERSION;HOST;BASE64");
        if (!parts[0].equals("1")) throw new KeyFormatException("unsupported signature version '" + parts[0] + "'");
        byte[] sexp;
        try {
            sexp = Base64.getDecoder().decode(parts[2].strip());
        } catch (IllegalArgumentException e) {
            throw new KeyFormatException("signature body is not valid base64");
        }
        Sexp parsed;
        try {
            parsed = Sexp.parse(sexp);
        } catch (SexpFormatException e) {
            throw new KeyFormatException("signature body: " + e.getMessage());
        }
        Sexp.SList top = (Sexp.SList) parsed;
        if (!top.head().filter("signature"::equals).isPresent())
            throw new KeyFormatException("signature body is not a (signature …) s-expression");
        Sexp.SList data = top.find("data").orElseThrow(() -> new KeyFormatException("signature lacks (data …)"));
        Sexp.SList h = data.find("hash").orElseThrow(() -> new KeyFormatException("signature data lacks (hash …)"));
        String algo = h.atom(1).map(Sexp.Atom::text).orElseThrow(() -> new KeyFormatException("hash lacks its algorithm"));
        byte[] digest = h.atom(2).map(Sexp.Atom::bytes).orElseThrow(() -> new KeyFormatException("hash lacks its value"));
        Sexp.SList sigVal = top.find("sig-val").orElseThrow(() -> new KeyFormatException("signature lacks (sig-val …)"));
        if (sigVal.items().size() < 2 || !(sigVal.items().get(1) instanceof Sexp.SList scheme))
            throw new KeyFormatException("sig-val lacks its scheme");
        BigInteger r = number(scheme, "r"), s = number(scheme, "s");
        GuixPublicKey key = GuixPublicKey.fromSexp(top.find("public-key")
                .orElseThrow(() -> new KeyFormatException("signature lacks (public-key …)")));
        return new GuixSignature(parts[1], algo, digest, scheme.head().orElse(""), r, s, key);
    }

    private static BigInteger number(Sexp.SList scheme, String name) {
        return scheme.find(name).flatMap(l -> l.atom(1)).map(a -> new BigInteger(1, a.bytes()))
                .orElseThrow(() -> new KeyFormatException("sig-val lacks (" + name + " …)"));
    }

    @Override public byte[] hash() { return hash.clone(); }

    /**
     * Checks this signature as Guix's {@code valid-narinfo?}/{@code signature-case} do: the signer
     * is trusted, the signed hash is the SHA-256 of {@code signedText}, and the ECDSA signature holds.
     *
     * @return null when valid, else the reason it is not
     */
    public String check(String signedText, List<GuixPublicKey> trusted) {
        if (!trusted.contains(signer)) return "Guix signature by " + host + " is by an untrusted key";
        if (!hashAlgo.equals("sha256")) return "Guix signature uses unsupported hash '" + hashAlgo + "'";
        byte[] actual = org.storelog.domain.hash.Hash.sha256(signedText.getBytes(StandardCharsets.UTF_8)).bytes();
        if (!Arrays.equals(actual, hash))
            return "Guix signature by " + host + " is for other content (signed sha256 "
                    + HexFormat.of().formatHex(hash) + ", narinfo has " + HexFormat.of().formatHex(actual) + ")";
        if (!scheme.equals("ecdsa")) return "Guix signature scheme '" + scheme + "' is not supported (only ecdsa)";
        if (!EdwardsEcdsa.verify(hash, r, s, signer.point())) return "Guix signature by " + host + " does not verify";
        return null;
    }
}
