package org.storelog.narinfo;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Rivest's s-expressions as libgcrypt reads them ({@code gcry_sexp_sscan}) and Guix stores keys and
 * signatures ({@code guix/pki.scm}, guile-gcrypt's {@code canonical-sexp->string}).
 *
 * <p>Grammar: {@code sexp = "(" item* ")"}; {@code item = sexp | atom}; an atom is one of
 * {@code N:BYTES} (verbatim, the canonical form), a token (letters, digits and {@code -./_:*+=}, not starting with a digit),
 * {@code "quoted string"} with C escapes, {@code #HEX#} (whitespace allowed inside) or
 * {@code |BASE64|}; any atom may carry a display hint {@code [atom]}, which is read and dropped.
 * Whitespace separates items in the advanced form and is absent from the canonical one.
 */
public sealed interface Sexp {
    /** A byte string. */
    record Atom(byte[] bytes) implements Sexp {
        public Atom { bytes = bytes.clone(); }
        @Override public byte[] bytes() { return bytes.clone(); }
        public String text() { return new String(bytes, StandardCharsets.UTF_8); }
        @Override public String toString() { return text(); }
    }

    /** A parenthesised list. */
    record SList(List<Sexp> items) implements Sexp {
        public SList { items = List.copyOf(items); }

        /** The first item as text, if it is an atom. */
        public Optional<String> head() {
            return !items.isEmpty() && items.get(0) instanceof Atom a ? Optional.of(a.text()) : Optional.empty();
        }

        /** The item at {@code i} as an atom, or empty. */
        public Optional<Atom> atom(int i) {
            return i < items.size() && items.get(i) instanceof Atom a ? Optional.of(a) : Optional.empty();
        }

        /** The first list (depth first, this one included) whose head is {@code token}, as libgcrypt's {@code gcry_sexp_find_token}. */
        public Optional<SList> find(String token) {
            if (head().filter(token::equals).isPresent()) return Optional.of(this);
            for (Sexp s : items)
                if (s instanceof SList l) {
                    Optional<SList> r = l.find(token);
                    if (r.isPresent()) return r;
                }
            return Optional.empty();
        }
    }

    static Sexp parse(String text) { return parse(text.getBytes(StandardCharsets.UTF_8)); }

    /** Parses one s-expression; only whitespace may follow it. */
    static Sexp parse(byte[] in) {
        Reader r = new Reader(in);
        r.skipSpace();
        if (r.pos >= in.length || in[r.pos] != '(') throw new SexpFormatException("expected '('", r.pos);
        Sexp s = r.list();
        r.skipSpace();
        if (r.pos < in.length) throw new SexpFormatException("trailing data after the s-expression", r.pos);
        return s;
    }

    /** Recursive-descent reader over the bytes. */
    final class Reader {
        private final byte[] in;
        private int pos;
        private int depth;

        private Reader(byte[] in) { this.in = in; }

        private void skipSpace() {
            while (pos < in.length && (in[pos] == ' ' || in[pos] == '\t' || in[pos] == '\n' || in[pos] == '\r' || in[pos] == '\f'))
                pos++;
        }

        private SList list() {
            int start = pos++;
            if (++depth > 64) throw new SexpFormatException("nested too deeply", start);
            List<Sexp> items = new ArrayList<>();
            while (true) {
                skipSpace();
                if (pos >= in.length) throw new SexpFormatException("unclosed '(' opened here", start);
                byte c = in[pos];
                if (c == ')') { pos++; depth--; return new SList(items); }
                if (c == '(') items.add(list());
                else if (c == '[') { hint(); skipSpace(); items.add(atom()); }
                else items.add(atom());
            }
        }

        private void hint() {
            pos++;
            skipSpace();
            atom();
            skipSpace();
            if (pos >= in.length || in[pos] != ']') throw new SexpFormatException("expected ']' after display hint", pos);
            pos++;
        }

        private Atom atom() {
            int start = pos;
            byte c = in[pos];
            if (c >= '0' && c <= '9') {
                long n = 0;
                while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
                    n = n * 10 + (in[pos++] - '0');
                    if (n > in.length) throw new SexpFormatException("length prefix larger than the input", start);
                }
                if (pos >= in.length) throw new SexpFormatException("unexpected end after length prefix", start);
                if (in[pos] == ':') {
                    pos++;
                    if (pos + n > in.length) throw new SexpFormatException("verbatim atom runs past the end", start);
                    byte[] b = java.util.Arrays.copyOfRange(in, pos, pos + (int) n);
                    pos += (int) n;
                    return new Atom(b);
                }
                c = in[pos];
                if (c != '#' && c != '"' && c != '|')
                    throw new SexpFormatException("expected ':' after length prefix", pos);
                start = pos;
            }
            return switch (c) {
                case '#' -> new Atom(delimited('#', start, true));
                case '|' -> {
                    byte[] b64 = delimited('|', start, false);
                    try {
                        yield new Atom(Base64.getMimeDecoder().decode(b64));
                    } catch (IllegalArgumentException e) {
                        throw new SexpFormatException("invalid base64 atom", start);
                    }
                }
                case '"' -> quoted();
                default -> token();
            };
        }

        private byte[] delimited(char end, int start, boolean hex) {
            pos++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= in.length) throw new SexpFormatException("unterminated '" + end + "' atom", start);
                byte b = in[pos++];
                if (b == end) break;
                if (b == ' ' || b == '\t' || b == '\n' || b == '\r') continue;
                sb.append((char) b);
            }
            if (!hex) return sb.toString().getBytes(StandardCharsets.US_ASCII);
            if (sb.length() % 2 != 0) throw new SexpFormatException("hex atom has an odd number of digits", start);
            try {
                return HexFormat.of().parseHex(sb.toString().toLowerCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new SexpFormatException("invalid hex atom", start);
            }
        }

        private Atom quoted() {
            int start = pos++;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                if (pos >= in.length) throw new SexpFormatException("unterminated string", start);
                byte b = in[pos++];
                if (b == '"') return new Atom(out.toByteArray());
                if (b != '\\') { out.write(b); continue; }
                if (pos >= in.length) throw new SexpFormatException("unterminated string", start);
                byte e = in[pos++];
                switch (e) {
                    case 'n' -> out.write('\n');
                    case 't' -> out.write('\t');
                    case 'r' -> out.write('\r');
                    case 'b' -> out.write('\b');
                    case 'f' -> out.write('\f');
                    case 'v' -> out.write(0x0b);
                    case '\n' -> { }
                    default -> out.write(e);
                }
            }
        }

        private Atom token() {
            int start = pos;
            while (pos < in.length && isTokenChar(in[pos], pos == start)) pos++;
            if (pos == start) throw new SexpFormatException("unexpected character '" + (char) in[pos] + "'", pos);
            return new Atom(java.util.Arrays.copyOfRange(in, start, pos));
        }

        private static boolean isTokenChar(byte b, boolean first) {
            if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')) return true;
            if ("-./_:*+=".indexOf(b) >= 0) return !first || b != ':';
            return !first && b >= '0' && b <= '9';
        }
    }
}
