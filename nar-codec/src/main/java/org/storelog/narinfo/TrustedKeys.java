package org.storelog.narinfo;

import java.util.ArrayList;
import java.util.List;

/**
 * The keys a narinfo may be signed by: Nix public keys ({@code NAME:BASE64}, as in Nix's
 * {@code trusted-public-keys}) and Guix public keys ({@code (public-key (ecc …))}, as in
 * {@code /etc/guix/acl}).
 */
public record TrustedKeys(List<PublicKey> nix, List<GuixPublicKey> guix) {
    public TrustedKeys {
        nix = List.copyOf(nix);
        guix = List.copyOf(guix);
    }

    /**
     * Reads keys from text: an s-expression is a Guix key file, or a Guix ACL
     * ({@code (acl (entry (public-key …) (tag …)) …)}, as {@code /etc/guix/acl}); otherwise each
     * whitespace-separated word is a Nix key.
     */
    public static TrustedKeys parse(String text) {
        String t = text.strip();
        if (t.startsWith("(")) {
            Sexp.SList top = (Sexp.SList) Sexp.parse(t);
            if (!top.head().filter("acl"::equals).isPresent())
                return new TrustedKeys(List.of(), List.of(GuixPublicKey.fromSexp(top)));
            List<GuixPublicKey> keys = new ArrayList<>();
            for (Sexp entry : top.items())
                if (entry instanceof Sexp.SList l && l.find("public-key").isPresent()) keys.add(GuixPublicKey.fromSexp(l));
            return new TrustedKeys(List.of(), keys);
        }
        List<PublicKey> keys = new ArrayList<>();
        for (String w : t.split("\\s+")) if (!w.isEmpty()) keys.add(PublicKey.parse(w));
        if (keys.isEmpty()) throw new KeyFormatException("no key given");
        return new TrustedKeys(keys, List.of());
    }

    public TrustedKeys plus(TrustedKeys o) {
        List<PublicKey> n = new ArrayList<>(nix);
        n.addAll(o.nix);
        List<GuixPublicKey> g = new ArrayList<>(guix);
        g.addAll(o.guix);
        return new TrustedKeys(n, g);
    }
}
