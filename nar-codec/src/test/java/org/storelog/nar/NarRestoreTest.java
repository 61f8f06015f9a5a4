package org.storelog.nar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NarRestoreTest {
    @TempDir Path tmp;
    private Path work;
    private Path outside;

    @BeforeEach void dirs() throws Exception {
        work = Files.createDirectory(tmp.resolve("work"));
        outside = Files.createDirectory(tmp.resolve("outside"));
    }

    /** Hand-assembled (deliberately hostile) archive bytes: each argument one wire string. */
    private static byte[] wire(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts)
            out.writeBytes(NarWire.encode(p instanceof byte[] b ? b : ((String) p).getBytes(StandardCharsets.UTF_8)));
        return out.toByteArray();
    }

    private List<Path> listing(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test void truncatedArchive_leavesNothingBehind() throws Exception {
        NixCli.require();
        Path t = Files.createDirectory(tmp.resolve("t"));
        Files.writeString(t.resolve("a"), "x".repeat(5000));
        Files.createDirectory(t.resolve("d"));
        Files.writeString(t.resolve("d/b"), "y");
        byte[] nar = NixCli.dump(t);
        for (int cut : new int[] {0, 20, nar.length / 2, nar.length - 1}) {
            Path dest = work.resolve("dest");
            assertThrows(NarFormatException.class,
                    () -> NarRestore.restore(new ByteArrayInputStream(Arrays.copyOf(nar, cut)), dest));
            assertEquals(List.of(), listing(work), "after a cut at " + cut);
        }
    }

    @Test void existingDestination_isRefusedAndKept() throws Exception {
        Path dest = Files.writeString(work.resolve("dest"), "keep");
        byte[] nar = wire("nix-archive-1", "(", "type", "regular", "contents", "new", ")");
        NarTreeException e = assertThrows(NarTreeException.class,
                () -> NarRestore.restore(new ByteArrayInputStream(nar), dest));
        assertEquals("already exists", e.reason());
        assertEquals("keep", Files.readString(dest));
    }

    @Test void dotDotName_neverEscapesDest() throws Exception {
        byte[] nar = wire("nix-archive-1", "(", "type", "directory",
                "entry", "(", "name", "..", "node", "(", "type", "regular", "contents", "pwned", ")", ")", ")");
        assertThrows(NarFormatException.class, () -> NarRestore.restore(new ByteArrayInputStream(nar), work.resolve("dest")));
        assertEquals(List.of(outside, work), listing(tmp));
        assertEquals(List.of(), listing(work));
    }

    @Test void symlinkThenSameNameDirectory_neverWritesThroughTheLink() throws Exception {
        byte[] nar = wire("nix-archive-1", "(", "type", "directory",
                "entry", "(", "name", "l", "node", "(", "type", "symlink", "target", outside.toString(), ")", ")",
                "entry", "(", "name", "l", "node", "(", "type", "directory",
                "entry", "(", "name", "f", "node", "(", "type", "regular", "contents", "pwned", ")", ")", ")", ")", ")");
        NarFormatException e = assertThrows(NarFormatException.class,
                () -> NarRestore.restore(new ByteArrayInputStream(nar), work.resolve("dest")));
        assertTrue(e.reason().contains("duplicate"), e.reason());
        assertEquals(List.of(), listing(outside));
        assertEquals(List.of(), listing(work));
    }

    @Test void slashInName_rejectedBeforeWriting() throws Exception {
        byte[] nar = wire("nix-archive-1", "(", "type", "directory",
                "entry", "(", "name", "a/b", "node", "(", "type", "regular", "contents", "x", ")", ")", ")");
        assertThrows(NarFormatException.class, () -> NarRestore.restore(new ByteArrayInputStream(nar), work.resolve("dest")));
        assertEquals(List.of(), listing(work));
    }

    @Test void restore_setsExecutableBitsAndSymlinks() throws Exception {
        byte[] nar = wire("nix-archive-1", "(", "type", "directory",
                "entry", "(", "name", "run", "node", "(", "type", "regular", "executable", "", "contents", "#!", ")", ")",
                "entry", "(", "name", "to", "node", "(", "type", "symlink", "target", "run", ")", ")", ")");
        Path dest = work.resolve("dest");
        NarRestore.restore(new ByteArrayInputStream(nar), dest);
        assertTrue(Files.isExecutable(dest.resolve("run")));
        assertEquals(Path.of("run"), Files.readSymbolicLink(dest.resolve("to")));
        assertEquals(List.of(dest), listing(work));
    }

    @Test void nonUtf8Name_roundTripsByteForByte() throws Exception {
        NixCli.require();
        byte[] odd = {'f', (byte) 0xff, (byte) 0x80, 'x'};
        Path t = Files.createDirectory(tmp.resolve("t"));
        Files.writeString(FsNames.child(t, odd), "data");
        byte[] nix = NixCli.dump(t);
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        NarWriter.dump(t, ours);
        NarDifferentialProperties.assertSameBytes(nix, ours.toByteArray());

        Path dest = work.resolve("dest");
        NarRestore.restore(new ByteArrayInputStream(nix), dest);
        try (var s = Files.list(dest)) {
            List<Path> names = s.toList();
            assertEquals(1, names.size());
            assertArrayEquals(odd, FsNames.nameBytes(names.get(0)));
        }
        NarDifferentialProperties.assertSameBytes(nix, NixCli.dump(dest));
    }

    @Test void specialFile_isRefusedByTheWriter() throws Exception {
        Path fifo = tmp.resolve("fifo");
        org.storelog.testsupport.ExternalTools.run(List.of("mkfifo", fifo.toString())).ok();
        NarTreeException e = assertThrows(NarTreeException.class, () -> NarWriter.dump(fifo, new ByteArrayOutputStream()));
        assertTrue(e.reason().contains("special file"), e.reason());
        assertFalse(Files.exists(work.resolve("dest"), LinkOption.NOFOLLOW_LINKS));
        assertEquals(Set.of(), Set.copyOf(listing(work)));
    }
}
