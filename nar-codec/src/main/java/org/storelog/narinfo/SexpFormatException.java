package org.storelog.narinfo;

/** An s-expression that cannot be read: {@link #reason()} and the byte {@link #offset()}. */
public final class SexpFormatException extends RuntimeException {
    private final String reason;
    private final int offset;

    public SexpFormatException(String reason, int offset) {
        super("s-expression at byte " + offset + ": " + reason);
        this.reason = reason;
        this.offset = offset;
    }

    public String reason() { return reason; }

    public int offset() { return offset; }
}
