package org.storelog.narinfo;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether a narinfo carries a valid signature by a trusted key: a Nix {@code Sig:} over
 * its fingerprint (Nix's {@code ValidPathInfo::checkSignatures} in {@code src/libstore/path-info.cc})
 * or a Guix {@code Signature:} over the text above it (Guix's {@code valid-narinfo?} in
 * {@code guix/narinfo.scm}).
 */
public final class NarInfoVerifier {
    private NarInfoVerifier() {}

    /**
     * The outcome.
     *
     * @param valid  a trusted signature verifies
     * @param signer the name (Nix) or host (Guix) of the key that verified, or null
     * @param reason why not, when not valid (one reason per signature tried)
     */
    public record Result(boolean valid, String signer, String reason) {}

    public static Result verify(NarInfo info, TrustedKeys trusted) {
        List<String> reasons = new ArrayList<>();
        String fingerprint = null;
        for (String sig : info.sigs()) {
            int colon = sig.indexOf(':');
            String name = colon < 0 ? sig : sig.substring(0, colon);
            List<PublicKey> named = trusted.nix().stream().filter(k -> k.name().equals(name)).toList();
            if (named.isEmpty()) {
                reasons.add("Sig by '" + name + "' is not by a trusted key");
                continue;
            }
            if (fingerprint == null) fingerprint = info.fingerprint();
            for (PublicKey k : named) if (k.verify(fingerprint, sig)) return new Result(true, name, null);
            reasons.add("Sig by '" + name + "' does not match the narinfo's fingerprint");
        }
        if (info.guixSignature().isPresent()) {
            try {
                GuixSignature g = GuixSignature.parse(info.guixSignature().get());
                String why = g.check(info.textBeforeGuixSignature(), trusted.guix());
                if (why == null) return new Result(true, g.host(), null);
                reasons.add(why);
            } catch (KeyFormatException e) {
                reasons.add("malformed Guix signature: " + e.reason());
            }
        }
        if (reasons.isEmpty()) reasons.add("narinfo has no signature");
        return new Result(false, null, String.join("; ", reasons));
    }
}
