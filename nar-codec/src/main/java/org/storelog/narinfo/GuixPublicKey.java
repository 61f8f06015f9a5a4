package org.storelog.narinfo;

import java.util.HexFormat;

/**
 * A Guix signing key's public half, {@code (public-key (ecc (curve Ed25519) (q #HEX#)))}, as in
 * Guix's {@code signing-key.pub}, the {@code .pub} files under {@code etc/substitutes/} and {@code /etc/guix/acl} entries
 * ({@code guix/pki.scm}). Either the advanced or the canonical s-expression form is read.
 */
public final class GuixPublicKey {
    private final byte[] q;
    private final EdwardsEcdsa.Point point;

    private GuixPublicKey(byte[] q, EdwardsEcdsa.Point point) {
        this.q = q.clone();
        this.point = point;
    }

    /** Parses a key file's text. */
    public static GuixPublicKey parse(String text) { return fromSexp(Sexp.parse(text)); }

    /** Reads the key from a {@code (public-key (ecc …))} list (found anywhere inside {@code s}). */
    public static GuixPublicKey fromSexp(Sexp s) {
        if (!(s instanceof Sexp.SList l)) throw new KeyFormatException("a Guix public key is a list, got an atom");
        Sexp.SList pk = l.find("public-key").orElseThrow(() -> new KeyFormatException("no (public-key …) in the s-expression"));
        Sexp.SList ecc = pk.find("ecc").orElseThrow(() -> new KeyFormatException(
                "only ecc public keys are supported (Guix's RSA keys are not)"));
        String curve = ecc.find("curve").flatMap(c -> c.atom(1)).map(Sexp.Atom::text)
                .orElseThrow(() -> new KeyFormatException("public key names no curve"));
        if (!curve.equals("Ed25519")) throw new KeyFormatException("unsupported curve '" + curve + "' (only Ed25519)");
        byte[] q = ecc.find("q").flatMap(c -> c.atom(1)).map(Sexp.Atom::bytes)
                .orElseThrow(() -> new KeyFormatException("public key has no (q …)"));
        return new GuixPublicKey(q, EdwardsEcdsa.decodePoint(q));
    }

    /** Public key of the scalar {@code d}, encoded as libgcrypt encodes Ed25519 points (32 bytes). */
    static GuixPublicKey ofPoint(EdwardsEcdsa.Point p) { return new GuixPublicKey(p.encode(), p); }

    public byte[] q() { return q.clone(); }

    public EdwardsEcdsa.Point point() { return point; }

    /** The advanced form Guix writes: {@code (public-key (ecc (curve Ed25519) (q #HEX#)))}. */
    @Override public String toString() {
        return "(public-key \n (ecc \n  (curve Ed25519)\n  (q #" + HexFormat.of().withUpperCase().formatHex(q) + "#)\n  )\n )\n";
    }

    /** Keys are equal when they are the same curve point, whatever the encoding of q. */
    @Override public boolean equals(Object o) { return o instanceof GuixPublicKey k && k.point.equals(point); }

    @Override public int hashCode() { return point.hashCode(); }
}
