package org.storelog.domain.drv;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.storelog.domain.store.StoreDir;

class ATermParserTest {
    private static final StoreDir NIX = StoreDir.DEFAULT;
    private static final String BB = "/nix/store/r9zgkzc5zab416qddj283jlsvp18ydzr-busybox-static";
    private static final String OUT = "/nix/store/q1pgl82n7yz0dhxlxk8nn0wqkqz3q3l6-hello";
    private static final String HELLO = "Derive([(\"out\",\"" + OUT + "\",\"\",\"\")],[],[\"" + BB + "\"],\"x86_64-linux\",\""
            + BB + "/busybox\",[\"sh\",\"-ec\",\"echo hi > $out\"],[(\"builder\",\"" + BB + "/busybox\"),(\"name\",\"hello\"),"
            + "(\"out\",\"" + OUT + "\"),(\"system\",\"x86_64-linux\")])";

    private static DerivationFormatException fails(String text) {
        return assertThrows(DerivationFormatException.class, () -> ATermParser.parse(NIX, "hello", text));
    }

    @Test
    void wellFormed_parsesFields_andPrintsBack() {
        Derivation d = ATermParser.parse(NIX, "hello", HELLO);
        assertEquals("x86_64-linux", d.platform());
        assertEquals(BB + "/busybox", d.builder());
        assertEquals(java.util.List.of("sh", "-ec", "echo hi > $out"), d.args());
        assertEquals(OUT, d.outputs().get("out").path().orElseThrow().absolute(NIX));
        assertEquals("hello", d.env().get("name"));
        assertEquals(HELLO, ATermWriter.write(NIX, d));
    }

    @Test
    void badKeyword_isReportedAtLine1Column1() {
        var e = fails("Derivation(" + HELLO.substring(7));
        assertEquals(1, e.line());
        assertEquals(1, e.column());
        assertEquals(0, e.offset());
        assertTrue(e.reason().startsWith("expected 'Derive('"), e.reason());
    }

    @Test
    void errorOnLaterLine_givesLineAndColumnAndByteOffset() {
        // a raw newline is legal inside a raw field (platform), so the error lands on line 2
        String text = HELLO.replace("\"x86_64-linux\",\"/nix", "\"x86\n64é\"X\"/nix");
        var e = fails(text);
        assertEquals(2, e.line());
        assertEquals(5, e.column(), "column counts characters, not bytes");
        int charIndex = text.indexOf("\"X\"") + 1;
        assertEquals(text.substring(0, charIndex).getBytes(StandardCharsets.UTF_8).length, e.offset());
        assertTrue(e.reason().contains("expected ','"), e.reason());
    }

    @Test
    void truncatedText_saysTheTextEnds() {
        var e = fails(HELLO.substring(0, 40));
        assertTrue(e.reason().contains("unterminated string") || e.reason().contains("text ends"), e.reason());
        var e2 = fails(HELLO.substring(0, HELLO.length() - 1));
        assertTrue(e2.reason().endsWith("but the text ends"), e2.reason());
        assertEquals(HELLO.length(), e2.column(), "column just past the last character");
    }

    @Test
    void trailingText_isRejected() {
        var e = fails(HELLO + "\n");
        assertEquals("unexpected text after the end of the derivation", e.reason());
        assertEquals(HELLO.length() + 1, e.column());
    }

    @Test
    void invalidStorePath_pointsIntoThePath() {
        String bad = OUT.replace("q1pgl", "q1pge");
        var e = fails(HELLO.replaceFirst(OUT, bad));
        assertTrue(e.reason().contains("nix32"), e.reason());
        assertEquals(HELLO.indexOf(OUT) + "/nix/store/q1pg".length() + 1, e.column());
    }

    @Test
    void pathOutsideStoreDir_isRejected() {
        var e = fails(HELLO.replace("[\"" + BB + "\"]", "[\"/tmp/x\"]"));
        assertTrue(e.reason().contains("not in the store directory"), e.reason());
    }

    @Test
    void unsortedOrDuplicateEnv_isRejected() {
        var e = fails(HELLO.replace("(\"builder\",", "(\"zz\",\"1\"),(\"builder\","));
        assertTrue(e.reason().contains("out of order"), e.reason());
        var d = fails(HELLO.replace("(\"name\",\"hello\"),", "(\"name\",\"hello\"),(\"name\",\"again\"),"));
        assertTrue(d.reason().startsWith("duplicate environment variable 'name'"), d.reason());
    }

    @Test
    void escapesNixDoesNotWrite_areRejected() {
        var e = fails(HELLO.replace("echo hi", "echo \\a"));
        assertTrue(e.reason().contains("not one Nix writes"), e.reason());
        var raw = fails(HELLO.replace("echo hi", "echo\thi"));
        assertTrue(raw.reason().contains("unescaped a tab"), raw.reason());
        var bs = fails(HELLO.replace("x86_64-linux", "x86\\_64"));
        assertTrue(bs.reason().contains("without escapes"), bs.reason());
    }

    @Test
    void escapedStrings_roundTrip() {
        String text = HELLO.replace("echo hi > $out", "say \\\"q\\\" \\\\ \\n\\r\\t é 😀");
        Derivation d = ATermParser.parse(NIX, "hello", text);
        assertEquals("say \"q\" \\ \n\r\t é 😀", d.args().get(2));
        assertEquals(text, ATermWriter.write(NIX, d));
    }

    @Test
    void badFixedOutputHash_isRejected() {
        var e = fails(HELLO.replace("\"" + OUT + "\",\"\",\"\"", "\"" + OUT + "\",\"sha256\",\"abc\""));
        assertTrue(e.reason().contains("invalid sha256 output hash"), e.reason());
        var a = fails(HELLO.replace("\"" + OUT + "\",\"\",\"\"", "\"" + OUT + "\",\"r:sha3\",\"abc\""));
        assertTrue(a.reason().contains("unknown hash algorithm 'r:sha3'"), a.reason());
    }

    @Test
    void invalidUtf8_isReportedAtItsByteOffset() {
        byte[] ok = HELLO.getBytes(StandardCharsets.UTF_8);
        byte[] bad = ok.clone();
        int at = HELLO.indexOf("echo");
        bad[at] = (byte) 0xff;
        var e = assertThrows(DerivationFormatException.class, () -> ATermParser.parse(NIX, "hello", bad));
        assertEquals(at, e.offset());
        assertEquals(at + 1, e.column());
        assertTrue(e.reason().contains("invalid UTF-8"), e.reason());
    }

    /** Nix 2.8 writes the platform without escapes (checked: it then fails to read such a file back). */
    @Test
    void writer_rawFieldsAreUnescaped_asNixWritesThem() {
        Derivation d = ATermParser.parse(NIX, "hello", HELLO);
        Derivation odd = new Derivation(d.name(), d.outputs(), d.inputDrvs(), d.inputSrcs(), "a\"b\\c\nd", d.builder(),
                d.args(), d.env());
        assertTrue(ATermWriter.write(NIX, odd).contains(",\"a\"b\\c\nd\","), ATermWriter.write(NIX, odd));
        assertThrows(DerivationFormatException.class, () -> ATermParser.parse(NIX, "hello", ATermWriter.write(NIX, odd)));
    }

    @Test
    void message_namesSourceLineAndColumn() {
        var e = fails("X").withSource("f.drv");
        assertEquals("f.drv:1:1: " + e.reason(), e.getMessage());
    }
}
