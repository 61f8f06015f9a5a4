package org.storelog.narinfo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.storelog.domain.hash.Hash;

class NarInfoTest {
    @Test
    void parseThenPrint_reproducesNixNarinfosByteForByte() {
        for (String h : Golden.NIX_UNSIGNED) {
            byte[] golden = Golden.bytes("nix/unsigned/" + h + ".narinfo");
            assertArrayEquals(golden, NarInfo.parse(golden).toBytes(), h);
        }
        for (String h : Golden.NIX_SIGNED) {
            byte[] golden = Golden.bytes("nix/signed-zstd/" + h + ".narinfo");
            assertArrayEquals(golden, NarInfo.parse(golden).toBytes(), h);
        }
    }

    @Test
    void parseThenPrint_reproducesGuixNarinfosByteForByte() {
        for (String[] g : Golden.GUIX) {
            byte[] golden = Golden.bytes("guix/" + g[0] + ".narinfo");
            assertArrayEquals(golden, NarInfo.parse(golden).toBytes(), g[0]);
        }
    }

    @Test
    void accessors_readNixFields() {
        NarInfo n = NarInfo.parse(Golden.text("nix/signed-zstd/n7zh57z4wsss68dmr7cchnx1kcb2z248.narinfo"));
        assertEquals("/nix/store/n7zh57z4wsss68dmr7cchnx1kcb2z248-sandbox-probe", n.storePath());
        assertEquals("/nix/store", n.storeDir());
        assertEquals("zstd", n.compression());
        assertEquals(OptionalLong.of(776), n.fileSize());
        assertEquals(Hash.parse("sha256:1baia1rcm39s3q40sg5nywgmm9b7v6jv04s3i84iplivi0jzzi9w"), n.fileHash().orElseThrow());
        assertEquals(Hash.parse("sha256:148idr38vyblh5kb0kvhfyw1ir83fsxiwxlva636s7mq4qv30kix"), n.narHash());
        assertEquals(3248, n.narSize());
        assertEquals(List.of("n7zh57z4wsss68dmr7cchnx1kcb2z248-sandbox-probe", "r9zgkzc5zab416qddj283jlsvp18ydzr-busybox-static"),
                n.references());
        assertEquals("p7yzkx0z8qdijbpq8x2qd7kpvaa2qahh-sandbox-probe.drv", n.deriver().orElseThrow());
        assertEquals(1, n.sigs().size());
        assertTrue(n.ca().isEmpty());
        NarInfo a = NarInfo.parse(Golden.text("nix/unsigned/mq7mna4vj5s142jqy2l5px107ic0f6qs.narinfo"));
        assertEquals(List.of(), a.references());
        assertEquals("text:sha256:094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwic", a.ca().orElseThrow());
    }

    @Test
    void accessors_readGuixRepeatedUrlGroups() {
        NarInfo g = NarInfo.parse(Golden.text("guix/803q5wapfnmr91ag8d9dzwabkbdxz3ay-hello-2.10.narinfo"));
        assertEquals("/gnu/store", g.storeDir());
        assertEquals(List.of("nar/gzip/803q5wapfnmr91ag8d9dzwabkbdxz3ay-hello-2.10",
                "nar/lzip/803q5wapfnmr91ag8d9dzwabkbdxz3ay-hello-2.10"), g.urls());
        assertEquals(List.of("gzip", "lzip"), g.compressions());
        assertEquals(List.of("61822", "52887"), g.all("FileSize"));
        assertEquals("i586-gnu", g.system().orElseThrow());
        assertTrue(g.guixSignature().orElseThrow().startsWith("1;berlin.guix.gnu.org;"));
        assertTrue(g.textBeforeGuixSignature().endsWith("Deriver: jqdvjhcxxnbq370y8i2c973c9zfiqrgl-hello-2.10.drv\n"));
    }

    @Test
    void builder_printsInNixOrder_equalToNixOutput() {
        for (String h : Golden.NIX_UNSIGNED) {
            String golden = Golden.text("nix/unsigned/" + h + ".narinfo");
            NarInfo n = NarInfo.parse(golden);
            NarInfo.Builder b = NarInfo.builder(n.storePath(), n.narHash(), n.narSize())
                    .url(n.url()).compression(n.compression()).file(n.fileHash().orElseThrow(), n.fileSize().getAsLong());
            n.references().forEach(b::reference);
            n.deriver().ifPresent(b::deriver);
            n.ca().ifPresent(b::ca);
            assertEquals(golden, b.build().print(), h);
        }
    }

    @Test
    void unknownKeys_areKeptInPlace() {
        String text = Golden.text("nix/unsigned/q1pgl82n7yz0dhxlxk8nn0wqkqz3q3l6.narinfo").replace("NarSize:", "X-Extra: yes\nNarSize:");
        NarInfo n = NarInfo.parse(text);
        assertEquals(text, n.print());
        assertEquals("yes", n.first("X-Extra").orElseThrow());
    }

    private static NarInfoFormatException bad(String text) {
        return assertThrows(NarInfoFormatException.class, () -> NarInfo.parse(text));
    }

    private static final String OK = Golden.text("nix/unsigned/q1pgl82n7yz0dhxlxk8nn0wqkqz3q3l6.narinfo");

    @Test
    void malformed_missingFinalNewline_namesLastLine() {
        NarInfoFormatException e = bad(OK.substring(0, OK.length() - 1));
        assertEquals(9, e.line());
        assertTrue(e.reason().contains("newline"));
    }

    @Test
    void malformed_lineWithoutColon_namesLine() {
        NarInfoFormatException e = bad(OK.replace("Compression: xz", "Compression xz"));
        assertEquals(3, e.line());
    }

    @Test
    void malformed_badNarSize_namesLine() {
        NarInfoFormatException e = bad(OK.replace("NarSize: 120", "NarSize: 12x"));
        assertEquals(7, e.line());
        assertTrue(e.reason().contains("NarSize"), e.reason());
    }

    @Test
    void malformed_badNarHash_namesLine() {
        assertEquals(6, bad(OK.replace("NarHash: sha256:1", "NarHash: sha256:!")).line());
    }

    @Test
    void malformed_duplicateStorePath_namesSecondLine() {
        NarInfoFormatException e = bad(OK + "StorePath: /nix/store/q1pgl82n7yz0dhxlxk8nn0wqkqz3q3l6-hello\n");
        assertEquals(10, e.line());
        assertTrue(e.reason().contains("duplicate"));
    }

    @Test
    void malformed_badReference_namesLine() {
        assertEquals(8, bad(OK.replace("References: ", "References: not-a-path")).line());
    }

    @Test
    void malformed_missingNarHash_isAFileLevelError() {
        NarInfoFormatException e = bad(OK.replaceAll("NarHash: .*\n", ""));
        assertEquals(0, e.line());
        assertEquals("missing field NarHash", e.reason());
    }

    @Test
    void malformed_badStorePath_namesLine() {
        assertEquals(1, bad(OK.replace("/nix/store/q1pg", "nix/store/q1pg")).line());
    }
}
