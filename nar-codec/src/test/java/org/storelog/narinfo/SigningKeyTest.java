package org.storelog.narinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SigningKeyTest {
    private static final SigningKey NIX_KEY = SigningKey.parse(Golden.text("nix/golden.storelog-1.secret"));
    private static final PublicKey NIX_PUB = PublicKey.parse(Golden.text("nix/golden.storelog-1.public"));

    @Test
    void nixGeneratedSecretKey_derivesNixGeneratedPublicKey() {
        assertEquals("golden.storelog-1", NIX_KEY.name());
        assertEquals(NIX_PUB, NIX_KEY.publicKey());
        assertEquals(Golden.text("nix/golden.storelog-1.secret").strip(), NIX_KEY.toString());
    }

    @Test
    void resigningNixNarinfo_withNixKey_reproducesNixSignatureAndPlacement() {
        for (String h : Golden.NIX_SIGNED) {
            String golden = Golden.text("nix/signed-zstd/" + h + ".narinfo");
            NarInfo unsigned = NarInfo.parse(golden).withoutSigs();
            assertEquals(golden, NIX_KEY.sign(unsigned).print(), h);
        }
    }

    @Test
    void fingerprint_isNixFormatWithFullSortedReferencePaths() {
        NarInfo n = NarInfo.parse(Golden.text("nix/signed-zstd/n7zh57z4wsss68dmr7cchnx1kcb2z248.narinfo"));
        assertEquals("1;/nix/store/n7zh57z4wsss68dmr7cchnx1kcb2z248-sandbox-probe;"
                + "sha256:148idr38vyblh5kb0kvhfyw1ir83fsxiwxlva636s7mq4qv30kix;3248;"
                + "/nix/store/n7zh57z4wsss68dmr7cchnx1kcb2z248-sandbox-probe,"
                + "/nix/store/r9zgkzc5zab416qddj283jlsvp18ydzr-busybox-static", n.fingerprint());
    }

    @Test
    void nixSignatures_verifyWithNixPublicKey() {
        TrustedKeys trusted = TrustedKeys.parse(Golden.text("nix/golden.storelog-1.public"));
        for (String h : Golden.NIX_SIGNED) {
            NarInfoVerifier.Result r = NarInfoVerifier.verify(
                    NarInfo.parse(Golden.text("nix/signed-zstd/" + h + ".narinfo")), trusted);
            assertTrue(r.valid(), h + ": " + r.reason());
            assertEquals("golden.storelog-1", r.signer());
        }
    }

    @Test
    void tamperedNixNarinfo_failsToVerify() {
        String golden = Golden.text("nix/signed-zstd/4ah0rjvlr3s358268686x4j55w3fkxk4.narinfo");
        TrustedKeys trusted = TrustedKeys.parse(NIX_PUB.toString());
        for (String tampered : List.of(golden.replace("NarSize: 184", "NarSize: 185"),
                golden.replace("References: mq7mna4vj5s142jqy2l5px107ic0f6qs-storelog-narinfo-a\n", "References: \n"),
                golden.replace("NarHash: sha256:0x", "NarHash: sha256:1x"))) {
            NarInfoVerifier.Result r = NarInfoVerifier.verify(NarInfo.parse(tampered), trusted);
            assertFalse(r.valid());
            assertTrue(r.reason().contains("does not match"), r.reason());
        }
    }

    @Test
    void signatureByUntrustedKey_fails_evenWithSameNameButOtherKey() {
        NarInfo n = NarInfo.parse(Golden.text("nix/signed-zstd/mq7mna4vj5s142jqy2l5px107ic0f6qs.narinfo"));
        PublicKey impostor = SigningKey.generate("golden.storelog-1").publicKey();
        assertFalse(NarInfoVerifier.verify(n, TrustedKeys.parse(impostor.toString())).valid());
        NarInfoVerifier.Result other = NarInfoVerifier.verify(n, TrustedKeys.parse(SigningKey.generate("other").publicKey().toString()));
        assertFalse(other.valid());
        assertTrue(other.reason().contains("not by a trusted key"), other.reason());
    }

    @Test
    void generatedKey_roundTripsThroughText_andSignsVerifiably() {
        SigningKey k = SigningKey.generate("cache.example.org-1");
        SigningKey back = SigningKey.parse(k.toString() + "\n");
        assertEquals(k.publicKey(), back.publicKey());
        String sig = back.sign("data");
        assertTrue(sig.startsWith("cache.example.org-1:"));
        assertTrue(k.publicKey().verify("data", sig));
        assertFalse(k.publicKey().verify("datb", sig));
        assertEquals(k.publicKey(), PublicKey.parse(k.publicKey().toString()));
    }

    @Test
    void malformedKeys_areRejectedWithReason() {
        assertTrue(assertThrows(KeyFormatException.class, () -> PublicKey.parse("nocolon")).reason().contains("NAME:BASE64"));
        assertTrue(assertThrows(KeyFormatException.class, () -> PublicKey.parse("k:AAAA")).reason().contains("32 bytes"));
        assertTrue(assertThrows(KeyFormatException.class, () -> SigningKey.parse("k:%%%")).reason().contains("base64"));
        String pubAsSecret = NIX_PUB.toString();
        assertTrue(assertThrows(KeyFormatException.class, () -> SigningKey.parse(pubAsSecret)).reason().contains("64 bytes"));
    }
}
