package org.storelog.domain.drv;

import static org.storelog.domain.drv.DrvSyntax.*;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.storelog.domain.hash.Hash;
import org.storelog.domain.hash.HashAlgorithm;
import org.storelog.domain.store.InvalidStorePathException;
import org.storelog.domain.store.StoreDir;
import org.storelog.domain.store.StorePath;

/**
 * Reads the {@code .drv} ATerm format (grammar in {@link DrvSyntax}), as Nix 2.8's
 * {@code parseDerivation} in {@code src/libstore/derivations.cc}, but stricter: it accepts only
 * what Nix writes, so {@link ATermWriter} reproduces every accepted text byte for byte.
 * Errors are {@link DerivationFormatException}s with line, column and byte offset.
 */
public final class ATermParser {
    private final StoreDir dir;
    private final String t;
    private int pos;

    private ATermParser(StoreDir dir, String text) {
        this.dir = dir;
        this.t = text;
    }

    /** Parses UTF-8 bytes; {@code name} is the derivation name (its store path name without {@code .drv}). */
    public static Derivation parse(StoreDir dir, String name, byte[] utf8) {
        return parse(dir, name, decode(utf8));
    }

    /** Parses text; {@code name} is the derivation name (its store path name without {@code .drv}). */
    public static Derivation parse(StoreDir dir, String name, String text) {
        return new ATermParser(dir, text).derivation(name);
    }

    private Derivation derivation(String name) {
        expect(DERIVE);
        TreeMap<String, DerivationOutput> outputs = new TreeMap<>(ByteOrder.UTF8);
        String prev = null;
        expect(LIST_OPEN);
        if (!closes()) do {
            expect(TUPLE_OPEN);
            int at = pos;
            String id = string(false);
            prev = checkOrder(prev, id, at, "output");
            expect(SEP);
            int pathAt = pos;
            String path = string(false);
            expect(SEP);
            int algoAt = pos;
            String algo = string(false);
            expect(SEP);
            int hashAt = pos;
            String hash = string(false);
            expect(TUPLE_CLOSE);
            outputs.put(id, new DerivationOutput(path.isEmpty() ? Optional.empty() : Optional.of(storePath(path, pathAt)),
                    algo, hash));
            checkFixed(algo, algoAt, hash, hashAt);
        } while (more());
        expect(SEP);

        TreeMap<StorePath, java.util.SortedSet<String>> inputDrvs = new TreeMap<>();
        StorePath prevDrv = null;
        expect(LIST_OPEN);
        if (!closes()) do {
            expect(TUPLE_OPEN);
            int at = pos;
            StorePath p = storePath(string(false), at);
            if (prevDrv != null && prevDrv.compareTo(p) >= 0)
                throw error(at, prevDrv.equals(p) ? "duplicate input derivation" : "input derivations not sorted");
            prevDrv = p;
            expect(SEP);
            TreeSet<String> names = new TreeSet<>(ByteOrder.UTF8);
            stringList(names, false, "output name");
            expect(TUPLE_CLOSE);
            inputDrvs.put(p, names);
        } while (more());
        expect(SEP);

        TreeSet<StorePath> srcs = new TreeSet<>();
        StorePath prevSrc = null;
        expect(LIST_OPEN);
        if (!closes()) do {
            int at = pos;
            StorePath p = storePath(string(false), at);
            if (prevSrc != null && prevSrc.compareTo(p) >= 0)
                throw error(at, prevSrc.equals(p) ? "duplicate input source" : "input sources not sorted");
            prevSrc = p;
            srcs.add(p);
        } while (more());
        expect(SEP);

        String platform = string(false);
        expect(SEP);
        String builder = string(true);
        expect(SEP);
        List<String> args = new ArrayList<>();
        expect(LIST_OPEN);
        if (!closes()) do args.add(string(true)); while (more());
        expect(SEP);

        TreeMap<String, String> env = new TreeMap<>(ByteOrder.UTF8);
        prev = null;
        expect(LIST_OPEN);
        if (!closes()) do {
            expect(TUPLE_OPEN);
            int at = pos;
            String k = string(true);
            prev = checkOrder(prev, k, at, "environment variable");
            expect(SEP);
            String v = string(true);
            expect(TUPLE_CLOSE);
            env.put(k, v);
        } while (more());
        expect(TUPLE_CLOSE);
        if (pos != t.length()) throw error(pos, "unexpected text after the end of the derivation");
        return new Derivation(name, outputs, inputDrvs, srcs, platform, builder, args, env);
    }

    private void stringList(TreeSet<String> into, boolean escaped, String what) {
        expect(LIST_OPEN);
        String prev = null;
        if (closes()) return;
        do {
            int at = pos;
            String s = string(escaped);
            prev = checkOrder(prev, s, at, what);
            into.add(s);
        } while (more());
    }

    private String checkOrder(String prev, String next, int at, String what) {
        if (prev != null) {
            int c = ByteOrder.compare(prev, next);
            if (c == 0) throw error(at, "duplicate " + what + " '" + next + "'");
            if (c > 0) throw error(at, what + " '" + next + "' is out of order (after '" + prev + "')");
        }
        return next;
    }

    private void checkFixed(String algo, int algoAt, String hash, int hashAt) {
        if (algo.isEmpty()) {
            if (!hash.isEmpty()) throw error(hashAt, "output hash given without a hash algorithm");
            return;
        }
        HashAlgorithm a;
        try {
            a = HashAlgorithm.parse(algo.startsWith("r:") ? algo.substring(2) : algo);
        } catch (IllegalArgumentException e) {
            throw error(algoAt + 1, "unknown hash algorithm '" + algo + "'");
        }
        if (hash.isEmpty()) return;
        try {
            Hash.parse(hash, a);
        } catch (IllegalArgumentException e) {
            throw error(hashAt + 1, "invalid " + a + " output hash '" + hash + "'");
        }
    }

    private StorePath storePath(String s, int at) {
        try {
            return StorePath.parse(dir, s);
        } catch (InvalidStorePathException e) {
            throw error(at + 1 + e.position(), "invalid store path '" + s + "': " + e.reason());
        }
    }

    /** After an item: true if a separator follows (and is consumed), false if the list closes. */
    private boolean more() {
        if (pos < t.length()) {
            char c = t.charAt(pos);
            if (c == SEP) {
                pos++;
                return true;
            }
            if (c == LIST_CLOSE) {
                pos++;
                return false;
            }
        }
        throw error(pos, "expected ',' or ']'" + found());
    }

    /** At the start of a list's items: consumes ']' of an empty list. */
    private boolean closes() {
        if (pos < t.length() && t.charAt(pos) == LIST_CLOSE) {
            pos++;
            return true;
        }
        return false;
    }

    private String string(boolean escaped) {
        if (pos >= t.length() || t.charAt(pos) != QUOTE) throw error(pos, "expected '\"'" + found());
        int start = ++pos;
        StringBuilder sb = null;
        while (true) {
            if (pos >= t.length()) throw error(start - 1, "unterminated string");
            char c = t.charAt(pos);
            if (c == QUOTE) {
                String s = sb == null ? t.substring(start, pos) : sb.append(t, start, pos).toString();
                pos++;
                return s;
            }
            if (c == ESCAPE) {
                if (!escaped) throw error(pos, "backslash in a field that Nix writes without escapes");
                if (pos + 1 >= t.length()) throw error(pos, "unterminated string");
                char u = unescape(t.charAt(pos + 1));
                if (u == 0) throw error(pos, "escape '\\" + t.charAt(pos + 1) + "' is not one Nix writes");
                if (sb == null) sb = new StringBuilder();
                sb.append(t, start, pos).append(u);
                pos += 2;
                start = pos;
                continue;
            }
            if (escaped && escapeOf(c) != 0)
                throw error(pos, "unescaped " + describe(c) + " in a string (Nix writes it escaped)");
            pos++;
        }
    }

    private void expect(String token) {
        if (!t.startsWith(token, pos)) throw error(pos, "expected '" + token + "'" + found());
        pos += token.length();
    }

    private void expect(char c) {
        if (pos >= t.length() || t.charAt(pos) != c) throw error(pos, "expected '" + c + "'" + found());
        pos++;
    }

    private String found() {
        if (pos >= t.length()) return " but the text ends";
        return " but found " + describe(t.charAt(pos));
    }

    private static String describe(char c) {
        return switch (c) {
            case '\n' -> "a newline";
            case '\r' -> "a carriage return";
            case '\t' -> "a tab";
            default -> c < 0x20 ? String.format("control character U+%04X", (int) c) : "'" + c + "'";
        };
    }

    private DerivationFormatException error(int at, String reason) {
        return errorAt(t, at, reason);
    }

    /** Line and column (1-based, in code points) and byte offset of char index {@code at}. */
    static DerivationFormatException errorAt(String t, int at, String reason) {
        at = Math.min(at, t.length());
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at; i++)
            if (t.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        int column = t.codePointCount(lineStart, at) + 1;
        long offset = t.substring(0, at).getBytes(StandardCharsets.UTF_8).length;
        return new DerivationFormatException(reason, line, column, offset, null);
    }

    private static String decode(byte[] bytes) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = dec.decode(in, out, true);
        if (r.isError()) {
            int bad = in.position();
            String before = new String(bytes, 0, bad, StandardCharsets.UTF_8);
            DerivationFormatException e = errorAt(before, before.length(), "invalid UTF-8 byte 0x"
                    + String.format("%02x", bytes[bad] & 0xff));
            return throwWithOffset(e, bad);
        }
        dec.flush(out);
        out.flip();
        return out.toString();
    }

    private static String throwWithOffset(DerivationFormatException e, long offset) {
        throw new DerivationFormatException(e.reason(), e.line(), e.column(), offset, null);
    }

}
