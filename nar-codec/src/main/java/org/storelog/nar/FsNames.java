package org.storelog.nar;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Exact bytes of file names and symlink targets. NAR names are bytes, while {@link Path} strings
 * are decoded with the platform's file-name charset ({@code sun.jnu.encoding}, ASCII under the C
 * locale). Names that do not decode cleanly are read and created through {@code file:} URIs,
 * which the JDK builds from and parses into the raw bytes of a path.
 */
public final class FsNames {
    private FsNames() {}

    private static final Charset JNU = jnuCharset();

    private static Charset jnuCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }

    /** The bytes of the last element of {@code path}, exactly as stored in the directory. */
    public static byte[] nameBytes(Path path) {
        String s = path.getFileName().toString();
        if (isAscii(s)) return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        if (s.indexOf('\uFFFD') < 0) return s.getBytes(JNU);
        String raw = path.toAbsolutePath().toUri().getRawPath();
        if (raw.endsWith("/")) raw = raw.substring(0, raw.length() - 1);
        return percentDecode(raw.substring(raw.lastIndexOf('/') + 1));
    }

    /** The target of symbolic link {@code link}, byte for byte. */
    public static byte[] linkTarget(Path link) throws IOException {
        Path t = Files.readSymbolicLink(link);
        String s = t.toString();
        if (isAscii(s)) return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        if (s.indexOf('\uFFFD') < 0) return s.getBytes(JNU);
        String raw = (t.isAbsolute() ? t : Path.of("/").resolve(t)).toUri().getRawPath();
        if (raw.endsWith("/") && !s.endsWith("/")) raw = raw.substring(0, raw.length() - 1);
        byte[] b = percentDecode(raw);
        return t.isAbsolute() ? b : Arrays.copyOfRange(b, 1, b.length);
    }

    /** The entry {@code name} (raw bytes, a valid NAR name) inside directory {@code dir}. */
    public static Path child(Path dir, byte[] name) {
        String s = decodeExactly(name);
        if (s != null) return dir.resolve(s);
        String base = dir.toAbsolutePath().toUri().getRawPath();
        if (!base.endsWith("/")) base += "/";
        return Path.of(URI.create("file://" + base + percentEncode(name)));
    }

    /**
     * A path object whose bytes are {@code target}, for creating a symlink; null when this JVM
     * cannot represent it (it would normalise away repeated or trailing slashes, or the bytes do
     * not decode in the file-name charset).
     */
    static Path targetPath(byte[] target) {
        String s = decodeExactly(target);
        if (s == null) return null;
        Path p = Path.of(s);
        return p.toString().equals(s) ? p : null;
    }

    private static String decodeExactly(byte[] b) {
        boolean ascii = true;
        for (byte x : b) if (x < 0) { ascii = false; break; }
        if (ascii) return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
        try {
            String s = JNU.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
            ByteBuffer back = JNU.newEncoder().encode(CharBuffer.wrap(s));
            byte[] bb = new byte[back.remaining()];
            back.get(bb);
            return Arrays.equals(bb, b) && s.indexOf('\uFFFD') < 0 ? s : null;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }

    private static String percentEncode(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 3);
        for (byte x : b) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')
                sb.append((char) c);
            else sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
        }
        return sb.toString();
    }

    private static byte[] percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                out.writeBytes(String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }
}
