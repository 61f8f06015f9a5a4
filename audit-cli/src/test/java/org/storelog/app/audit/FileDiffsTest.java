package org.storelog.app.audit;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDiffsTest {
    @TempDir Path tmp;

    Path tree(String name) throws Exception { return Files.createDirectories(tmp.resolve(name)); }

    static FileDiffs.FileDiff only(List<FileDiffs.FileDiff> l, String file, String kind) {
        return l.stream().filter(d -> d.file().equals(file) && d.kind().equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError(file + " " + kind + " in " + l));
    }

    @Test
    void smallTextFiles_getAUnifiedDiff_withRecordedAndRebuiltLabels() throws Exception {
        Path a = tree("a"), b = tree("b");
        Files.writeString(a.resolve("f.txt"), "one\ntwo\nthree\n");
        Files.writeString(b.resolve("f.txt"), "one\n2\nthree\n");
        var d = only(FileDiffs.simple().between(a, b), "/f.txt", "text");
        assertEquals("--- recorded/f.txt\n+++ rebuilt/f.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n", d.diff());
        assertNull(d.sizes());
    }

    @Test
    void binaryOrLargeOrNonUtf8Files_getSizesAndSha256() throws Exception {
        Path a = tree("a"), b = tree("b");
        Files.write(a.resolve("nul"), new byte[] {1, 0, 2});
        Files.write(b.resolve("nul"), new byte[] {1, 0, 3, 4});
        Files.write(a.resolve("latin1"), "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        Files.write(b.resolve("latin1"), "cafe".getBytes(StandardCharsets.ISO_8859_1));
        String big = "x\n".repeat((int) FileDiffs.MAX_TEXT);
        Files.writeString(a.resolve("big"), big);
        Files.writeString(b.resolve("big"), big + "y\n");
        List<FileDiffs.FileDiff> l = FileDiffs.simple().between(a, b);
        var nul = only(l, "/nul", "binary");
        assertEquals(List.of(3L, 4L), nul.sizes());
        // sha256sum of the bytes 01 00 02
        assertEquals("sha256:" + hex(java.security.MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 0, 2})),
                nul.hashes().get(0));
        assertEquals(List.of(4L, 4L), only(l, "/latin1", "binary").sizes());
        assertEquals(2, only(l, "/big", "binary").hashes().size());
    }

    @Test
    void symlinkTargets_executableBits_addedAndRemovedFiles_areShownPlainly() throws Exception {
        Path a = tree("a"), b = tree("b");
        Files.createSymbolicLink(a.resolve("link"), Path.of("one"));
        Files.createSymbolicLink(b.resolve("link"), Path.of("two"));
        Files.writeString(a.resolve("tool"), "#!/bin/sh\n");
        Files.writeString(b.resolve("tool"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(b.resolve("tool"), PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.writeString(a.resolve("gone"), "bye\n");
        Files.writeString(b.resolve("new"), "hi\n");
        Files.writeString(b.resolve("same"), "s");
        Files.writeString(a.resolve("same"), "s");
        List<FileDiffs.FileDiff> l = FileDiffs.simple().between(a, b);
        assertEquals("one → two", only(l, "/link", "symlink").diff());
        assertEquals("-x → +x", only(l, "/tool", "executable").diff());
        assertEquals(List.of(4L), only(l, "/gone", "removed").sizes());
        assertEquals(List.of(3L), only(l, "/new", "added").sizes());
        List<String> files = new ArrayList<>();
        l.forEach(d -> files.add(d.file()));
        assertFalse(files.contains("/same"), l.toString());
        assertFalse(files.contains("/tool") && l.stream().anyMatch(d -> d.file().equals("/tool") && !d.kind().equals("executable")));
    }

    @Test
    void modeNone_explainsNothing() throws Exception {
        Path a = tree("a"), b = tree("b");
        Files.writeString(a.resolve("f"), "1");
        Files.writeString(b.resolve("f"), "2");
        assertEquals(List.of(), FileDiffs.NONE.between(a, b));
    }

    @Test
    void diffoscopeNotOnPath_warnsWithTheInstallCommands_andFallsBackToSimple() throws Exception {
        List<String> warnings = new ArrayList<>();
        FileDiffs d = FileDiffs.forMode(FileDiffs.Mode.DIFFOSCOPE, tree("empty-bin").toString(), warnings::add);
        assertEquals(FileDiffs.Mode.SIMPLE, d.mode());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("apt install diffoscope") && warnings.get(0).contains("pip install diffoscope"));
    }

    @Test
    void diffoscopeOnPath_isRun_onBothTrees() throws Exception {
        Path bin = tree("bin");
        Path fake = bin.resolve("diffoscope");
        Files.writeString(fake, "#!/bin/sh\necho \"compared $4 with $5\"\nexit 1\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path a = tree("a"), b = tree("b");
        FileDiffs d = FileDiffs.forMode(FileDiffs.Mode.DIFFOSCOPE, bin.toString(), w -> fail(w));
        var r = only(d.between(a, b), "/", "diffoscope");
        assertEquals("compared " + a + " with " + b + "\n", r.diff());
    }

    @Test
    void unknownMode_isRejectedWithTheChoices() {
        var e = assertThrows(IllegalArgumentException.class, () -> FileDiffs.Mode.parse("fancy"));
        assertTrue(e.getMessage().contains("none, simple or diffoscope"));
    }

    static String hex(byte[] b) { return java.util.HexFormat.of().formatHex(b); }
}
