package org.storelog.narinfo;

/**
 * A narinfo that cannot be read: {@link #reason()} says what is wrong, {@link #line()} where
 * (1-based; 0 when the problem is the file as a whole, such as a missing field).
 */
public final class NarInfoFormatException extends RuntimeException {
    private final String reason;
    private final int line;

    public NarInfoFormatException(String reason, int line) {
        super(line > 0 ? "narinfo line " + line + ": " + reason : "narinfo: " + reason);
        this.reason = reason;
        this.line = line;
    }

    public String reason() { return reason; }

    public int line() { return line; }
}
