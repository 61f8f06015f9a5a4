package org.storelog.nar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader's rejections, each at the right offset. The archives start as real
 * {@code nix-store --dump} output of a small tree, then get one defect each.
 */
class NarReaderRejectionTest {
    @TempDir Path tmp;
    /** Entries "aa" (file "hi\n"), "bb" (executable, empty), "cc" (symlink to "aa"). */
    private byte[] nar;

    @BeforeEach void dumpWithNix() throws Exception {
        NixCli.require();
        Path t = tmp.resolve("t");
        Files.createDirectory(t);
        Files.writeString(t.resolve("aa"), "hi\n");
        Files.createFile(t.resolve("bb")).toFile().setExecutable(true);
        Files.createSymbolicLink(t.resolve("cc"), Path.of("aa"));
        nar = NixCli.dump(t);
        NarReader.validate(new ByteArrayInputStream(nar)); // sanity: the original is accepted
    }

    private static NarFormatException rejected(byte[] bad) {
        return assertThrows(NarFormatException.class, () -> NarReader.validate(new ByteArrayInputStream(bad)));
    }

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    /** Offset of the name string (its length field) holding {@code name} in {@code nar}. */
    private static int nameField(byte[] nar, byte[] name) {
        byte[] field = NarWire.encode(name);
        byte[] tag = NarWire.encode(utf8("name"));
        byte[] needle = new byte[tag.length + field.length];
        System.arraycopy(tag, 0, needle, 0, tag.length);
        System.arraycopy(field, 0, needle, tag.length, field.length);
        return indexOf(nar, needle) + tag.length;
    }

    private int nameField(String name) { return nameField(nar, utf8(name)); }

    /** {@code nar} with the name string {@code old} replaced by {@code replacement}. */
    private static byte[] withName(byte[] nar, byte[] old, byte[] replacement) {
        int at = nameField(nar, old);
        int oldLen = NarWire.encode(old).length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(nar, 0, at);
        out.writeBytes(NarWire.encode(replacement));
        out.write(nar, at + oldLen, nar.length - at - oldLen);
        return out.toByteArray();
    }

    private byte[] withName(String old, byte[] replacement) { return withName(nar, utf8(old), replacement); }

    @Test void truncatedAtEveryByte_reportsTheEndOfInput() {
        for (int k = 0; k < nar.length; k++) {
            NarFormatException e = rejected(Arrays.copyOf(nar, k));
            assertEquals(k, e.offset(), "cut at " + k);
            assertTrue(e.reason().startsWith("truncated"), e.reason());
        }
    }

    @Test void trailingBytes_rejectedAtTheEndOfTheArchive() {
        NarFormatException e = rejected(Arrays.copyOf(nar, nar.length + 8));
        assertEquals(nar.length, e.offset());
        assertTrue(e.reason().contains("trailing"), e.reason());
    }

    @Test void unsortedEntries_rejectedAtTheSecondName() {
        byte[] bad = withName("bb", "a".getBytes(StandardCharsets.US_ASCII));
        NarFormatException e = rejected(bad);
        assertEquals(nameField("bb"), e.offset());
        assertTrue(e.reason().contains("not sorted"), e.reason());
    }

    @Test void duplicateEntries_rejectedAtTheRepeatedName() {
        byte[] bad = withName("bb", "aa".getBytes(StandardCharsets.US_ASCII));
        NarFormatException e = rejected(bad);
        assertEquals(nameField("bb"), e.offset());
        assertTrue(e.reason().contains("duplicate"), e.reason());
    }

    @Test void forbiddenNames_rejectedAtTheName() {
        for (byte[] name : new byte[][] {{'.'}, {'.', '.'}, {'a', '/'}, {'/', 'a'}, {'a', 0}, {}, new byte[256]}) {
            if (name.length == 256) Arrays.fill(name, (byte) 'x');
            NarFormatException e = rejected(withName("aa", name));
            assertEquals(nameField("aa"), e.offset(), e.reason());
        }
    }

    @Test void bytewiseOrder_isNotJavaStringOrder() throws Exception {
        // U+E000 (EE 80 80) sorts before U+1F600 (F0 9F 98 80) bytewise, after it in UTF-16.
        byte[] e000 = utf8("\uE000");
        byte[] smiley = utf8("😀");
        byte[] sorted = withName(withName(withName("cc", utf8("😀z")), utf8("bb"), smiley), utf8("aa"), e000);
        NarReader.validate(new ByteArrayInputStream(sorted));
        byte[] bad = withName(withName("bb", e000), utf8("aa"), smiley);
        NarFormatException e = rejected(bad);
        assertEquals(nameField(bad, e000), e.offset());
        assertTrue(e.reason().contains("not sorted"), e.reason());
    }

    @Test void hugeNameLength_rejectedAtTheLengthField() {
        byte[] bad = nar.clone();
        int at = nameField("aa");
        NarWire.putU64(bad, at, 1L << 40);
        NarFormatException e = rejected(bad);
        assertEquals(at, e.offset());
        assertTrue(e.reason().contains("exceeds"), e.reason());
    }

    @Test void hugeContentsLength_isTruncation() {
        byte[] bad = nar.clone();
        byte[] contents = NarWire.encode("contents".getBytes(StandardCharsets.US_ASCII));
        int at = indexOf(bad, contents) + contents.length;
        NarWire.putU64(bad, at, Long.MAX_VALUE);
        NarFormatException e = rejected(bad);
        assertEquals(bad.length, e.offset());
    }

    @Test void negativeContentsLength_rejectedAtTheSizeField() {
        byte[] bad = nar.clone();
        byte[] contents = NarWire.encode("contents".getBytes(StandardCharsets.US_ASCII));
        int at = indexOf(bad, contents) + contents.length;
        NarWire.putU64(bad, at, -1L);
        assertEquals(at, rejected(bad).offset());
    }

    @Test void nonZeroPadding_rejectedAtThePaddingByte() {
        byte[] bad = nar.clone();
        int at = nameField("aa") + 8 + 2 + 3; // fourth of the six padding bytes after "aa"
        bad[at] = 1;
        NarFormatException e = rejected(bad);
        assertEquals(at, e.offset());
        assertTrue(e.reason().contains("padding"), e.reason());
    }

    @Test void nonZeroPaddingAfterContents_rejected() {
        byte[] bad = nar.clone();
        byte[] contents = NarWire.encode("contents".getBytes(StandardCharsets.US_ASCII));
        int at = indexOf(bad, contents) + contents.length + 8 + 3; // after "hi\n"
        bad[at + 4] = (byte) 0x80;
        assertEquals(at + 4, rejected(bad).offset());
    }

    @Test void wrongMagic_rejectedAtZero() {
        byte[] bad = nar.clone();
        bad[8] = 'N';
        assertEquals(0, rejected(bad).offset());
    }

    @Test void unknownType_rejectedAtTheTypeString() {
        byte[] bad = nar.clone();
        byte[] sym = NarWire.encode("symlink".getBytes(StandardCharsets.US_ASCII));
        int at = indexOf(bad, sym);
        bad[at + 8] = 'S';
        NarFormatException e = rejected(bad);
        assertEquals(at, e.offset());
        assertTrue(e.reason().contains("unknown file type"), e.reason());
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++)
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) return i;
        throw new AssertionError("not found");
    }
}
