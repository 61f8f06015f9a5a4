package org.storelog.narinfo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SexpTest {
    private static final byte[] Q = HexFormat.of().parseHex("8d156f295d24b0d9a86fa5741a840ff2d24f60f7b6c4134814ad55625971b394");

    @Test
    void advancedAndCanonicalForms_readTheSameKey() {
        GuixPublicKey advanced = GuixPublicKey.parse(Golden.text("guix/ci.guix.gnu.org.pub"));
        byte[] canonical = concat("(10:public-key(3:ecc(5:curve7:Ed25519)(1:q32:".getBytes(StandardCharsets.US_ASCII), Q,
                ")))".getBytes(StandardCharsets.US_ASCII));
        GuixPublicKey fromCanonical = GuixPublicKey.fromSexp(Sexp.parse(canonical));
        assertArrayEquals(Q, advanced.q());
        assertEquals(advanced, fromCanonical);
        assertEquals(advanced, GuixPublicKey.parse(advanced.toString()));
    }

    @Test
    void quotedStringsBase64AndDisplayHints_areAtoms() {
        Sexp.SList l = (Sexp.SList) Sexp.parse("(a \"x\\ny\" |aGVsbG8=| [text/plain]#6869# 3:abc)");
        assertEquals("a", l.head().orElseThrow());
        assertEquals("x\ny", l.atom(1).orElseThrow().text());
        assertEquals("hello", l.atom(2).orElseThrow().text());
        assertEquals("hi", l.atom(3).orElseThrow().text());
        assertEquals("abc", l.atom(4).orElseThrow().text());
    }

    @Test
    void qWithLibgcryptCompactPrefix_isTheSamePoint() {
        String prefixed = "(public-key (ecc (curve Ed25519) (q #40" + HexFormat.of().formatHex(Q) + "#)))";
        assertEquals(GuixPublicKey.parse(Golden.text("guix/ci.guix.gnu.org.pub")), GuixPublicKey.parse(prefixed));
    }

    @Test
    void malformed_reportsOffset() {
        assertEquals(0, assertThrows(SexpFormatException.class, () -> Sexp.parse("(a (b)")).offset());
        assertEquals(3, assertThrows(SexpFormatException.class, () -> Sexp.parse("(a #12")).offset());
        SexpFormatException e = assertThrows(SexpFormatException.class, () -> Sexp.parse("(a 9:abc)"));
        assertEquals(3, e.offset());
        assertEquals(4, assertThrows(SexpFormatException.class, () -> Sexp.parse("(a) x")).offset());
    }

    @Test
    void keyWithWrongCurve_isRejected() {
        KeyFormatException e = assertThrows(KeyFormatException.class,
                () -> GuixPublicKey.parse("(public-key (ecc (curve NIST P-256) (q #04#)))"));
        assertEquals("unsupported curve 'NIST' (only Ed25519)", e.reason());
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) { System.arraycopy(p, 0, out, o, p.length); o += p.length; }
        return out;
    }
}
