package org.storelog.narinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuixSignatureTest {
    private static TrustedKeys key(String file) { return TrustedKeys.parse(Golden.text("guix/" + file)); }

    @Test
    void realGuixNarinfos_verifyWithTheirPublishersKeys() {
        for (String[] g : Golden.GUIX) {
            NarInfo n = NarInfo.parse(Golden.text("guix/" + g[0] + ".narinfo"));
            NarInfoVerifier.Result r = NarInfoVerifier.verify(n, key(g[1]));
            assertTrue(r.valid(), g[0] + ": " + r.reason());
        }
    }

    @Test
    void realGuixSignature_isEcdsaOverEd25519WithRfc6979DataFlag() {
        GuixSignature s = GuixSignature.parse(NarInfo.parse(Golden.text(
                "guix/y857mykfnc9vd1sc2lqz5g35l111fp71-opensmtpd-test.narinfo")).guixSignature().orElseThrow());
        assertEquals("berlin.guixsd.org", s.host());
        assertEquals("ecdsa", s.scheme());
        assertEquals("sha256", s.hashAlgo());
        assertEquals(new BigInteger("C8FF6F1325AD74AF8CD5C913DA658E239C2B8D5B6F739DC587C15DD5B807FD", 16), s.r());
    }

    @Test
    void realGuixNarinfo_failsWithAnotherTrustedKey() {
        NarInfo n = NarInfo.parse(Golden.text("guix/cs56i9digj9qg1bd383cmxc6xrfpdn9n-hello-2.12.2.narinfo"));
        NarInfoVerifier.Result r = NarInfoVerifier.verify(n, key("ci.guix.gnu.org.pub"));
        assertFalse(r.valid());
        assertTrue(r.reason().contains("untrusted key"), r.reason());
    }

    @Test
    void tamperedGuixNarinfo_failsAsOtherContent() {
        String text = Golden.text("guix/8kib1cirdv0qbmn9hdkjzjfx3n5nw1yw-sed-4.4.narinfo").replace("NarSize: 637360", "NarSize: 637361");
        NarInfoVerifier.Result r = NarInfoVerifier.verify(NarInfo.parse(text), key("ci.guix.gnu.org.pub"));
        assertFalse(r.valid());
        assertTrue(r.reason().contains("other content"), r.reason());
    }

    @Test
    void unsignedTrailingUrlGroups_mayChangeWithoutBreakingGuixSignature() {
        String text = Golden.text("guix/cs56i9digj9qg1bd383cmxc6xrfpdn9n-hello-2.12.2.narinfo").replace("FileSize: 73413", "FileSize: 1");
        assertTrue(NarInfoVerifier.verify(NarInfo.parse(text), key("bordeaux.guix.gnu.org.pub")).valid());
    }

    @Test
    void forgedSignatureValues_failToVerify() {
        NarInfo n = NarInfo.parse(Golden.text("guix/803q5wapfnmr91ag8d9dzwabkbdxz3ay-hello-2.10.narinfo"));
        String value = n.guixSignature().orElseThrow();
        String sexp = new String(Base64.getDecoder().decode(value.split(";")[2]));
        String forged = sexp.replace("(s #0A76", "(s #0A77");
        String line = "1;berlin.guix.gnu.org;" + Base64.getEncoder().encodeToString(forged.getBytes());
        NarInfo f = NarInfo.parse(n.print().replace(value, line));
        NarInfoVerifier.Result r = NarInfoVerifier.verify(f, key("ci.guix.gnu.org.pub"));
        assertFalse(r.valid());
        assertTrue(r.reason().contains("does not verify"), r.reason());
    }

    @Test
    void hashTruncation_matchesLibgcrypt_fullHashWouldNotVerify() {
        GuixSignature s = GuixSignature.parse(NarInfo.parse(Golden.text(
                "guix/8kib1cirdv0qbmn9hdkjzjfx3n5nw1yw-sed-4.4.narinfo")).guixSignature().orElseThrow());
        assertEquals(new BigInteger(1, s.hash()).shiftRight(3), EdwardsEcdsa.hashToInteger(s.hash()));
        assertTrue(EdwardsEcdsa.verify(s.hash(), s.r(), s.s(), s.signer().point()));
    }

    @Test
    void ourGuixSignatures_verify_andTamperingIsCaught() {
        GuixSigningKey k = GuixSigningKey.generate();
        String real = Golden.text("guix/8bjy9g0cssjrw9ljz2r8ww1sma95isfj-hello-2.12.1.narinfo");
        int sig = real.indexOf("Signature: ");
        String urls = real.substring(real.indexOf('\n', sig) + 1);
        NarInfo signed = NarInfo.parse(k.sign(real.substring(0, sig), "storelog-test") + urls);
        TrustedKeys trusted = TrustedKeys.parse(k.publicKey().toString());
        assertTrue(NarInfoVerifier.verify(signed, trusted).valid());
        NarInfo tampered = NarInfo.parse(signed.print().replace("NarSize: 235240", "NarSize: 235241"));
        assertFalse(NarInfoVerifier.verify(tampered, trusted).valid());
        assertFalse(NarInfoVerifier.verify(signed, key("genenetwork.pub")).valid());
    }

    @Test
    void guixAcl_trustsEveryEntry() {
        String acl = "(acl\n (entry\n  " + Golden.text("guix/ci.guix.gnu.org.pub") + "  (tag (guix import)))\n (entry\n  "
                + Golden.text("guix/bordeaux.guix.gnu.org.pub") + "  (tag (guix import))))\n";
        TrustedKeys keys = TrustedKeys.parse(acl);
        assertEquals(2, keys.guix().size());
        for (String[] g : Golden.GUIX)
            assertEquals(!g[1].equals("genenetwork.pub"),
                    NarInfoVerifier.verify(NarInfo.parse(Golden.text("guix/" + g[0] + ".narinfo")), keys).valid(), g[0]);
    }

    @Test
    void nixSigAddedToGuixNarinfo_keepsGuixSignatureValid() {
        SigningKey nixKey = SigningKey.generate("mirror-1");
        NarInfo n = nixKey.sign(NarInfo.parse(Golden.text("guix/8kib1cirdv0qbmn9hdkjzjfx3n5nw1yw-sed-4.4.narinfo")));
        assertEquals("Sig", n.fields().get(n.fields().size() - 1).key());
        assertTrue(NarInfoVerifier.verify(n, key("ci.guix.gnu.org.pub")).valid());
        assertTrue(NarInfoVerifier.verify(n, TrustedKeys.parse(nixKey.publicKey().toString())).valid());
    }

    @Test
    void trustedKeys_mixNixAndGuix() {
        TrustedKeys both = key("genenetwork.pub").plus(TrustedKeys.parse(Golden.text("nix/golden.storelog-1.public")));
        assertEquals(1, both.nix().size());
        assertEquals(1, both.guix().size());
        for (String f : List.of("guix/8bjy9g0cssjrw9ljz2r8ww1sma95isfj-hello-2.12.1.narinfo",
                "nix/signed-zstd/mq7mna4vj5s142jqy2l5px107ic0f6qs.narinfo"))
            assertTrue(NarInfoVerifier.verify(NarInfo.parse(Golden.text(f)), both).valid(), f);
    }
}
