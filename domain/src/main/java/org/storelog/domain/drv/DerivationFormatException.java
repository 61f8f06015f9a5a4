package org.storelog.domain.drv;

/**
 * A {@code .drv} text that does not follow the grammar in {@link DrvSyntax}: the reason, the
 * 1-based line and column (column counted in characters), and the byte offset of the place.
 * {@link #source()} names the file when the caller knows it.
 */
public final class DerivationFormatException extends IllegalArgumentException {
    private final String reason;
    private final int line;
    private final int column;
    private final long offset;
    private final String source;

    public DerivationFormatException(String reason, int line, int column, long offset, String source) {
        super((source == null ? "" : source + ":") + line + ":" + column + ": " + reason);
        this.reason = reason;
        this.line = line;
        this.column = column;
        this.offset = offset;
        this.source = source;
    }

    public String reason() { return reason; }

    public int line() { return line; }

    public int column() { return column; }

    /** Byte offset from the start of the text. */
    public long offset() { return offset; }

    /** File or other origin, or null. */
    public String source() { return source; }

    /** The same error attributed to {@code newSource}. */
    public DerivationFormatException withSource(String newSource) {
        return new DerivationFormatException(reason, line, column, offset, newSource);
    }
}
