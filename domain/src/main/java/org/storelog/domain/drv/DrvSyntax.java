package org.storelog.domain.drv;

/**
 * Tokens of the {@code .drv} ATerm format, shared by {@link ATermParser} and {@link ATermWriter}
 * (mirrors {@code Derivation::unparse} and {@code parseDerivation} in Nix 2.8's
 * {@code src/libstore/derivations.cc}).
 *
 * <pre>
 * drv      = "Derive(" "[" outputs "]" "," "[" inputDrvs "]" "," "[" srcs "]" ","
 *            platform "," builder "," "[" args "]" "," "[" env "]" ")"
 * outputs  = output ("," output)*            output   = "(" raw "," raw "," raw "," raw ")"
 *                                            (name, path, [r:]hashAlgo, base16 hash)
 * inputDrvs= inputDrv ("," inputDrv)*        inputDrv = "(" raw "," "[" raw ("," raw)* "]" ")"
 * srcs     = raw ("," raw)*
 * platform = raw    builder = esc    args = esc ("," esc)*
 * env      = "(" esc "," esc ")" ("," "(" esc "," esc ")")*
 * raw      = '"' chars written as they are '"'
 * esc      = '"' chars with '"' '\' LF CR TAB written as \" \\ \n \r \t '"'
 * </pre>
 * Lists may be empty. Output names, input derivations, each input's output names, sources and
 * environment keys are sorted by UTF-8 bytes and unique. The file has no trailing newline.
 * Nix writes the "raw" fields without escaping; this parser therefore rejects a backslash in
 * them, and an unescaped control character in "esc" fields, so that every accepted file prints
 * back byte for byte.
 */
final class DrvSyntax {
    private DrvSyntax() {}

    static final String DERIVE = "Derive(";
    static final char LIST_OPEN = '[';
    static final char LIST_CLOSE = ']';
    static final char TUPLE_OPEN = '(';
    static final char TUPLE_CLOSE = ')';
    static final char SEP = ',';
    static final char QUOTE = '"';
    static final char ESCAPE = '\\';

    /** Character written after {@link #ESCAPE} for {@code c}, or 0 if {@code c} is written as is. */
    static char escapeOf(char c) {
        return switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\n' -> 'n';
            case '\r' -> 'r';
            case '\t' -> 't';
            default -> 0;
        };
    }

    /** Character meant by {@code \e}, or 0 if Nix never writes that escape. */
    static char unescape(char e) {
        return switch (e) {
            case '"' -> '"';
            case '\\' -> '\\';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            default -> 0;
        };
    }
}
